-- 0002: the referral workflow. Times are Unix milliseconds (UTC); ids are GUID strings. Personal data: child_cpr,
-- child_name, gp_name, party_names, snapshot, letters.party_id/recipient_name/body.
CREATE TABLE cases (
    id                   TEXT    NOT NULL PRIMARY KEY,
    mailbox_gln          TEXT    NOT NULL,
    referral_message_id  TEXT    NOT NULL,              -- messages.id of the referral: one case per referral
    thread_id            TEXT    NULL,
    child_cpr            TEXT    NOT NULL,
    child_name           TEXT    NOT NULL,
    gp_gln               TEXT    NULL,
    gp_name              TEXT    NULL,
    state                TEXT    NOT NULL,              -- Core CaseState
    linked_case_id       TEXT    NULL,                  -- a re-referral: the earlier case
    opened_at            INTEGER NOT NULL,
    closed_at            INTEGER NULL,
    closed_reason        TEXT    NULL,
    consent_deadline     INTEGER NOT NULL,
    consent_completed_at INTEGER NULL,
    meeting_at           INTEGER NULL,                  -- on the agenda of this meeting
    flagged              INTEGER NOT NULL DEFAULT 0,    -- a person must look at it
    party_names          TEXT    NOT NULL,              -- JSON {cpr: name}
    snapshot             TEXT    NOT NULL,              -- JSON of Core ReferralCaseSnapshot
    version              INTEGER NOT NULL               -- optimistic concurrency
);
CREATE UNIQUE INDEX ux_cases_referral ON cases (referral_message_id);
CREATE INDEX ix_cases_child ON cases (child_cpr);
CREATE INDEX ix_cases_state ON cases (state, meeting_at);

-- Every MedCom message of a case: the referral, our receipt and replies, later correspondence.
CREATE TABLE case_messages (
    case_id     TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    role        TEXT    NOT NULL,                       -- referral | GpReceipt | ClosedNoConsent | Decision | attached
    attached_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, message_id)
);
CREATE INDEX ix_case_messages_message ON case_messages (message_id);

-- The case's timeline as staff see it.
CREATE TABLE case_events (
    id      INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    case_id TEXT    NOT NULL,
    at      INTEGER NOT NULL,
    kind    TEXT    NOT NULL,
    text    TEXT    NOT NULL,
    actor   TEXT    NULL
);
CREATE INDEX ix_case_events_case ON case_events (case_id, id);

-- Every deadline is a row with a due time, taken by the periodic sweep under a lease: no in-memory timers.
CREATE TABLE deadlines (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    case_id      TEXT    NOT NULL,                      -- the case (for RetryTriage: the message)
    kind         TEXT    NOT NULL,                      -- ConsentReminder | ConsentLapse | ConsentExpiry | CustodyRecheck | RetryTriage
    due_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NULL,
    locked_by    TEXT    NULL,
    locked_until INTEGER NULL,
    done_at      INTEGER NULL
);
CREATE INDEX ix_deadlines_due ON deadlines (done_at, due_at);
CREATE INDEX ix_deadlines_case ON deadlines (case_id);

-- Digital Post letters. The id is the MeMo messageUUID: a retry or a resend is the same letter.
CREATE TABLE letters (
    id              TEXT    NOT NULL PRIMARY KEY,
    case_id         TEXT    NOT NULL,
    kind            TEXT    NOT NULL,                   -- Core LetterKind
    party_id        TEXT    NOT NULL,                   -- the recipient's CPR
    party_role      TEXT    NOT NULL,
    recipient_name  TEXT    NOT NULL,
    title           TEXT    NOT NULL,                   -- shown in notifications: never personal data
    body            TEXT    NOT NULL,
    action_url      TEXT    NULL,                       -- SELVBETJENING link to the consent page
    action_until    INTEGER NULL,
    status          TEXT    NOT NULL,                   -- pending | sending | accepted | delivered | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER NULL,
    transmission_id TEXT    NULL,
    status_code     TEXT    NULL,                       -- the last TransaktionsStatusKode
    error_code      TEXT    NULL,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER NULL,
    status_at       INTEGER NULL
);
CREATE INDEX ix_letters_due ON letters (status, next_attempt_at);
CREATE INDEX ix_letters_case ON letters (case_id);

-- Consent links: only a hash of the token is kept; single use; expires with the consent deadline.
CREATE TABLE consent_tokens (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    case_id    TEXT    NOT NULL,
    party_id   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NULL
);
CREATE INDEX ix_consent_tokens_case ON consent_tokens (case_id, party_id);
