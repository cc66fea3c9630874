-- 0003: the web inbox. Times are Unix milliseconds (UTC). Personal data: inbox_items.patient_cpr/patient_name,
-- audit_log.person_cpr.

-- What the inbox list shows, copied onto the item when triage routes the message, so the list of 100,000 messages is one
-- indexed table scan without joins or parsing. The message row stays the source of truth.
ALTER TABLE inbox_items ADD COLUMN kind TEXT NULL;
ALTER TABLE inbox_items ADD COLUMN received_at INTEGER NULL;
ALTER TABLE inbox_items ADD COLUMN sender_gln TEXT NULL;
ALTER TABLE inbox_items ADD COLUMN sender_name TEXT NULL;
ALTER TABLE inbox_items ADD COLUMN patient_cpr TEXT NULL;
ALTER TABLE inbox_items ADD COLUMN patient_name TEXT NULL;
ALTER TABLE inbox_items ADD COLUMN subject TEXT NULL;
ALTER TABLE inbox_items ADD COLUMN case_id TEXT NULL;
-- Who works on it: state new (unread) | read | done (handled).
ALTER TABLE inbox_items ADD COLUMN assigned_to TEXT NULL;
ALTER TABLE inbox_items ADD COLUMN read_at INTEGER NULL;
ALTER TABLE inbox_items ADD COLUMN handled_at INTEGER NULL;
ALTER TABLE inbox_items ADD COLUMN handled_by TEXT NULL;

UPDATE inbox_items SET
    kind = (SELECT m.kind FROM messages m WHERE m.id = inbox_items.message_id),
    received_at = (SELECT m.received_at FROM messages m WHERE m.id = inbox_items.message_id),
    sender_gln = (SELECT m.sender_gln FROM messages m WHERE m.id = inbox_items.message_id),
    patient_cpr = (SELECT m.patient_cpr FROM messages m WHERE m.id = inbox_items.message_id),
    subject = (SELECT m.topic FROM messages m WHERE m.id = inbox_items.message_id),
    case_id = (SELECT cm.case_id FROM case_messages cm WHERE cm.message_id = inbox_items.message_id);
UPDATE inbox_items SET received_at = created_at WHERE received_at IS NULL;

-- The list pages order by received_at; most items are handled, so the unhandled ones get partial indexes of their own
-- (the unhandled list and the counts then read only open items, however large the mailbox grows).
CREATE INDEX ix_inbox_items_received ON inbox_items (received_at);
CREATE INDEX ix_inbox_items_mailbox ON inbox_items (mailbox_gln, received_at);
CREATE INDEX ix_inbox_items_open ON inbox_items (received_at) WHERE state <> 'done';
CREATE INDEX ix_inbox_items_open_mailbox ON inbox_items (mailbox_gln, state) WHERE state <> 'done';
CREATE INDEX ix_inbox_items_patient ON inbox_items (patient_cpr);
CREATE INDEX ix_inbox_items_thread ON inbox_items (thread_id);

-- Every view of personal data (a message, a case, a search): who, when, what, about whom, and why.
CREATE TABLE audit_log (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    user_name   TEXT    NOT NULL,
    action      TEXT    NOT NULL,                       -- view-message | view-case | search | export …
    person_cpr  TEXT    NULL,                           -- the person whose data was touched
    purpose     TEXT    NOT NULL,
    target_kind TEXT    NULL,                           -- message | case | inbox | audit …
    target_id   TEXT    NULL
);
CREATE INDEX ix_audit_log_person ON audit_log (person_cpr, at);
CREATE INDEX ix_audit_log_at ON audit_log (at);

-- Administrators' limits on which mailboxes a user may work in (overrides the identity provider's claim when present).
CREATE TABLE user_mailboxes (
    user_name  TEXT    NOT NULL PRIMARY KEY,
    mailboxes  TEXT    NOT NULL,                        -- space-separated location numbers; empty = every mailbox
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL
);

-- Administrators' edits of letter templates (override Workflow:Letters and the defaults).
CREATE TABLE letter_templates (
    kind       TEXT    NOT NULL PRIMARY KEY,
    title      TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL
);
