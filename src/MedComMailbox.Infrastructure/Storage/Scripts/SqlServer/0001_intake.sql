-- 0001: the intake. Times are Unix milliseconds (UTC) in both dialects; ids are GUID strings.
CREATE TABLE messages (
    id                      NVARCHAR(36)   NOT NULL PRIMARY KEY,
    direction               NVARCHAR(8)    NOT NULL,
    status                  NVARCHAR(16)   NOT NULL,
    channel                 NVARCHAR(16)   NOT NULL,
    source_name             NVARCHAR(400)  NULL,
    received_at             BIGINT         NOT NULL,
    kind                    NVARCHAR(32)   NOT NULL,
    syntax                  NVARCHAR(16)   NOT NULL,
    content_type            NVARCHAR(200)  NULL,
    document_name           NVARCHAR(200)  NULL,
    mailbox_gln             NVARCHAR(13)   NULL,
    sender_gln              NVARCHAR(64)   NULL,
    sender_sor              NVARCHAR(64)   NULL,
    receiver_gln            NVARCHAR(64)   NULL,
    receiver_sor            NVARCHAR(64)   NULL,
    message_id              NVARCHAR(200)  NULL,
    bundle_id               NVARCHAR(200)  NULL,
    envelope_id             NVARCHAR(200)  NULL,
    dedupe_key              NVARCHAR(450)  NULL,
    patient_cpr             NVARCHAR(32)   NULL,
    category                NVARCHAR(100)  NULL,
    topic                   NVARCHAR(400)  NULL,
    priority                NVARCHAR(32)   NULL,
    activity                NVARCHAR(64)   NULL,
    communication_id        NVARCHAR(200)  NULL,
    predecessor_ref         NVARCHAR(400)  NULL,
    parent_id               NVARCHAR(36)   NULL,
    thread_id               NVARCHAR(400)  NULL,
    acknowledged_message_id NVARCHAR(200)  NULL,
    ack_code                NVARCHAR(32)   NULL,
    ack_message_id          NVARCHAR(200)  NULL,
    ack_received_at         BIGINT         NULL,
    send_attempts           INT            NOT NULL DEFAULT 0,
    last_sent_at            BIGINT         NULL,
    error_codes             NVARCHAR(1000) NULL,
    duplicate_count         INT            NOT NULL DEFAULT 0,
    routed_at               BIGINT         NULL,
    size_bytes              BIGINT         NOT NULL,
    raw_sha256              NVARCHAR(64)   NOT NULL,
    raw                     VARBINARY(MAX) NOT NULL
);
CREATE UNIQUE INDEX ux_messages_dedupe ON messages (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX ix_messages_bundle ON messages (bundle_id);
CREATE INDEX ix_messages_message_id ON messages (message_id);
CREATE INDEX ix_messages_thread ON messages (thread_id);
CREATE INDEX ix_messages_predecessor ON messages (predecessor_ref);
CREATE INDEX ix_messages_pending_ack ON messages (direction, status, last_sent_at);

CREATE TABLE outbox (
    id            BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    message_id    NVARCHAR(36)   NOT NULL,
    kind          NVARCHAR(16)   NOT NULL,
    type          NVARCHAR(200)  NOT NULL,
    payload       VARBINARY(MAX) NOT NULL,
    file_name     NVARCHAR(400)  NULL,
    created_at    BIGINT         NOT NULL,
    due_at        BIGINT         NOT NULL,
    attempts      INT            NOT NULL DEFAULT 0,
    last_error    NVARCHAR(1000) NULL,
    locked_by     NVARCHAR(100)  NULL,
    locked_until  BIGINT         NULL,
    dispatched_at BIGINT         NULL
);
CREATE INDEX ix_outbox_pending ON outbox (dispatched_at, due_at);
CREATE INDEX ix_outbox_message ON outbox (message_id);

CREATE TABLE consumed (
    consumer    NVARCHAR(200) NOT NULL,
    message_id  NVARCHAR(36)  NOT NULL,
    consumed_at BIGINT        NOT NULL,
    CONSTRAINT pk_consumed PRIMARY KEY (consumer, message_id)
);

CREATE TABLE inbox_items (
    id          NVARCHAR(36)  NOT NULL PRIMARY KEY,
    message_id  NVARCHAR(36)  NOT NULL,
    mailbox_gln NVARCHAR(13)  NOT NULL,
    thread_id   NVARCHAR(400) NULL,
    state       NVARCHAR(16)  NOT NULL,
    created_at  BIGINT        NOT NULL
);
CREATE INDEX ix_inbox_items_message ON inbox_items (message_id);
