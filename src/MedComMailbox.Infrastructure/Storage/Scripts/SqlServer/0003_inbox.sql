-- 0003: the web inbox. Times are Unix milliseconds (UTC). Personal data: inbox_items.patient_cpr/patient_name,
-- audit_log.person_cpr. See the SQLite script for the reasons.
ALTER TABLE inbox_items ADD
    kind         NVARCHAR(64)  NULL,
    received_at  BIGINT        NULL,
    sender_gln   NVARCHAR(64)  NULL,
    sender_name  NVARCHAR(400) NULL,
    patient_cpr  NVARCHAR(64)  NULL,
    patient_name NVARCHAR(400) NULL,
    subject      NVARCHAR(400) NULL,
    case_id      NVARCHAR(64)  NULL,
    assigned_to  NVARCHAR(200) NULL,
    read_at      BIGINT        NULL,
    handled_at   BIGINT        NULL,
    handled_by   NVARCHAR(200) NULL;
GO

UPDATE i SET kind = m.kind, received_at = m.received_at, sender_gln = m.sender_gln, patient_cpr = m.patient_cpr, subject = LEFT(m.topic, 400)
FROM inbox_items i JOIN messages m ON m.id = i.message_id;
UPDATE i SET case_id = cm.case_id FROM inbox_items i JOIN case_messages cm ON cm.message_id = i.message_id;
UPDATE inbox_items SET received_at = created_at WHERE received_at IS NULL;

-- The list pages order by received_at; most items are handled, so the unhandled ones get partial indexes of their own
-- (the unhandled list and the counts then read only open items, however large the mailbox grows).
CREATE INDEX ix_inbox_items_received ON inbox_items (received_at);
CREATE INDEX ix_inbox_items_mailbox ON inbox_items (mailbox_gln, received_at);
CREATE INDEX ix_inbox_items_open ON inbox_items (received_at) WHERE state <> 'done';
CREATE INDEX ix_inbox_items_open_mailbox ON inbox_items (mailbox_gln, state) WHERE state <> 'done';
CREATE INDEX ix_inbox_items_patient ON inbox_items (patient_cpr);
CREATE INDEX ix_inbox_items_thread ON inbox_items (thread_id);

CREATE TABLE audit_log (
    id          BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    at          BIGINT         NOT NULL,
    user_name   NVARCHAR(200)  NOT NULL,
    action      NVARCHAR(64)   NOT NULL,
    person_cpr  NVARCHAR(64)   NULL,
    purpose     NVARCHAR(400)  NOT NULL,
    target_kind NVARCHAR(64)   NULL,
    target_id   NVARCHAR(200)  NULL
);
CREATE INDEX ix_audit_log_person ON audit_log (person_cpr, at);
CREATE INDEX ix_audit_log_at ON audit_log (at);

CREATE TABLE user_mailboxes (
    user_name  NVARCHAR(200)  NOT NULL PRIMARY KEY,
    mailboxes  NVARCHAR(MAX)  NOT NULL,
    updated_at BIGINT         NOT NULL,
    updated_by NVARCHAR(200)  NOT NULL
);

CREATE TABLE letter_templates (
    kind       NVARCHAR(64)   NOT NULL PRIMARY KEY,
    title      NVARCHAR(400)  NOT NULL,
    text       NVARCHAR(MAX)  NOT NULL,
    updated_at BIGINT         NOT NULL,
    updated_by NVARCHAR(200)  NOT NULL
);
