-- 0001: the intake. Times are Unix milliseconds (UTC) in both dialects; ids are GUID strings.
CREATE TABLE messages (
    id                      TEXT    NOT NULL PRIMARY KEY,
    direction               TEXT    NOT NULL,           -- in | out
    status                  TEXT    NOT NULL,           -- in: accepted | rejected; out: sent | acknowledged | failed | flagged
    channel                 TEXT    NOT NULL,           -- http | folder | app
    source_name             TEXT    NULL,               -- file name (folder) or remote address (http)
    received_at             INTEGER NOT NULL,           -- in: stored; out: created
    kind                    TEXT    NOT NULL,
    syntax                  TEXT    NOT NULL,
    content_type            TEXT    NULL,
    document_name           TEXT    NULL,               -- VANS document name (MCM:FDIS91#…), for resends
    mailbox_gln             TEXT    NULL,               -- which of our mailboxes (receiver for in, sender for out)
    sender_gln              TEXT    NULL,
    sender_sor              TEXT    NULL,
    receiver_gln            TEXT    NULL,
    receiver_sor            TEXT    NULL,
    message_id              TEXT    NULL,               -- FHIR MessageHeader.id / OIOXML letter id
    bundle_id               TEXT    NULL,
    envelope_id             TEXT    NULL,
    dedupe_key              TEXT    NULL,
    patient_cpr             TEXT    NULL,               -- personal data
    category                TEXT    NULL,
    topic                   TEXT    NULL,
    priority                TEXT    NULL,
    activity                TEXT    NULL,
    communication_id        TEXT    NULL,
    predecessor_ref         TEXT    NULL,
    parent_id               TEXT    NULL,               -- messages.id of the predecessor, once known
    thread_id               TEXT    NULL,
    acknowledged_message_id TEXT    NULL,               -- in, acknowledgements: the id they answer
    ack_code                TEXT    NULL,               -- in: the code we answered with / the code received; out: the code we got back
    ack_message_id          TEXT    NULL,               -- in: the id of our acknowledgement; out: the id of theirs
    ack_received_at         INTEGER NULL,
    send_attempts           INTEGER NOT NULL DEFAULT 0, -- out
    last_sent_at            INTEGER NULL,               -- out
    error_codes             TEXT    NULL,               -- comma separated rule codes
    duplicate_count         INTEGER NOT NULL DEFAULT 0,
    routed_at               INTEGER NULL,               -- the triage side took it
    size_bytes              INTEGER NOT NULL,
    raw_sha256              TEXT    NOT NULL,
    raw                     BLOB    NOT NULL
);
CREATE UNIQUE INDEX ux_messages_dedupe ON messages (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX ix_messages_bundle ON messages (bundle_id);
CREATE INDEX ix_messages_message_id ON messages (message_id);
CREATE INDEX ix_messages_thread ON messages (thread_id);
CREATE INDEX ix_messages_predecessor ON messages (predecessor_ref);
CREATE INDEX ix_messages_pending_ack ON messages (direction, status, last_sent_at);

CREATE TABLE outbox (
    id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    message_id    TEXT    NOT NULL,                     -- the stored message this row belongs to
    kind          TEXT    NOT NULL,                     -- publish (bus event) | deliver (to the VANS provider)
    type          TEXT    NOT NULL,                     -- event type name, or the document kind
    payload       BLOB    NOT NULL,                     -- event JSON, or the enveloped document
    file_name     TEXT    NULL,
    created_at    INTEGER NOT NULL,
    due_at        INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT    NULL,
    locked_by     TEXT    NULL,
    locked_until  INTEGER NULL,
    dispatched_at INTEGER NULL
);
CREATE INDEX ix_outbox_pending ON outbox (dispatched_at, due_at);
CREATE INDEX ix_outbox_message ON outbox (message_id);

-- Idempotent consumers: one row per (consumer, message) written in the consumer's own transaction.
CREATE TABLE consumed (
    consumer    TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    consumed_at INTEGER NOT NULL,
    PRIMARY KEY (consumer, message_id)
);

-- What the people in the inbox see: one item per routed message.
CREATE TABLE inbox_items (
    id          TEXT    NOT NULL PRIMARY KEY,
    message_id  TEXT    NOT NULL,
    mailbox_gln TEXT    NOT NULL,
    thread_id   TEXT    NULL,
    state       TEXT    NOT NULL,                       -- new | read | done
    created_at  INTEGER NOT NULL
);
CREATE INDEX ix_inbox_items_message ON inbox_items (message_id);
