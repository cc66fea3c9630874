-- 0002: the referral workflow. Times are Unix milliseconds (UTC); ids are GUID strings. Personal data: child_cpr,
-- child_name, gp_name, party_names, snapshot, letters.party_id/recipient_name/body.
CREATE TABLE cases (
    id                   NVARCHAR(64)   NOT NULL PRIMARY KEY,
    mailbox_gln          NVARCHAR(64)    NOT NULL,
    referral_message_id  NVARCHAR(64)    NOT NULL,              -- messages.id of the referral: one case per referral
    thread_id            NVARCHAR(200)   NULL,
    child_cpr            NVARCHAR(64)    NOT NULL,
    child_name           NVARCHAR(400)    NOT NULL,
    gp_gln               NVARCHAR(64)    NULL,
    gp_name              NVARCHAR(400)    NULL,
    state                NVARCHAR(64)    NOT NULL,              -- Core CaseState
    linked_case_id       NVARCHAR(64)    NULL,                  -- a re-referral: the earlier case
    opened_at            BIGINT  NOT NULL,
    closed_at            BIGINT  NULL,
    closed_reason        NVARCHAR(400)    NULL,
    consent_deadline     BIGINT  NOT NULL,
    consent_completed_at BIGINT  NULL,
    meeting_at           BIGINT  NULL,                  -- on the agenda of this meeting
    flagged              BIGINT  NOT NULL DEFAULT 0,    -- a person must look at it
    party_names          NVARCHAR(MAX)  NOT NULL,              -- JSON {cpr: name}
    snapshot             NVARCHAR(MAX)  NOT NULL,              -- JSON of Core ReferralCaseSnapshot
    version              BIGINT  NOT NULL               -- optimistic concurrency
);
CREATE UNIQUE INDEX ux_cases_referral ON cases (referral_message_id);
CREATE INDEX ix_cases_child ON cases (child_cpr);
CREATE INDEX ix_cases_state ON cases (state, meeting_at);

-- Every MedCom message of a case: the referral, our receipt and replies, later correspondence.
CREATE TABLE case_messages (
    case_id              NVARCHAR(64)    NOT NULL,
    message_id           NVARCHAR(64)    NOT NULL,
    role                 NVARCHAR(64)    NOT NULL,                       -- referral | GpReceipt | ClosedNoConsent | Decision | attached
    attached_at BIGINT  NOT NULL,
    PRIMARY KEY (case_id, message_id)
);
CREATE INDEX ix_case_messages_message ON case_messages (message_id);

-- The case's timeline as staff see it.
CREATE TABLE case_events (
    id      BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    case_id              NVARCHAR(64)    NOT NULL,
    at      BIGINT  NOT NULL,
    kind                 NVARCHAR(64)    NOT NULL,
    text                 NVARCHAR(MAX)    NOT NULL,
    actor                NVARCHAR(64)    NULL
);
CREATE INDEX ix_case_events_case ON case_events (case_id, id);

-- Every deadline is a row with a due time, taken by the periodic sweep under a lease: no in-memory timers.
CREATE TABLE deadlines (
    id           BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    case_id              NVARCHAR(64)    NOT NULL,                      -- the case (for RetryTriage: the message)
    kind                 NVARCHAR(64)    NOT NULL,                      -- ConsentReminder | ConsentLapse | ConsentExpiry | CustodyRecheck | RetryTriage
    due_at       BIGINT  NOT NULL,
    attempts     BIGINT  NOT NULL DEFAULT 0,
    last_error           NVARCHAR(400)    NULL,
    locked_by            NVARCHAR(64)    NULL,
    locked_until BIGINT  NULL,
    done_at      BIGINT  NULL
);
CREATE INDEX ix_deadlines_due ON deadlines (done_at, due_at);
CREATE INDEX ix_deadlines_case ON deadlines (case_id);

-- Digital Post letters. The id is the MeMo messageUUID: a retry or a resend is the same letter.
CREATE TABLE letters (
    id              NVARCHAR(64)   NOT NULL PRIMARY KEY,
    case_id              NVARCHAR(64)    NOT NULL,
    kind                 NVARCHAR(64)    NOT NULL,                   -- Core LetterKind
    party_id             NVARCHAR(64)    NOT NULL,                   -- the recipient's CPR
    party_role           NVARCHAR(64)    NOT NULL,
    recipient_name       NVARCHAR(400)    NOT NULL,
    title                NVARCHAR(400)    NOT NULL,                   -- shown in notifications: never personal data
    body                 NVARCHAR(MAX)    NOT NULL,
    action_url           NVARCHAR(400)    NULL,                       -- SELVBETJENING link to the consent page
    action_until    BIGINT  NULL,
    status               NVARCHAR(64)    NOT NULL,                   -- pending | sending | accepted | delivered | failed
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    locked_until    BIGINT  NULL,
    transmission_id      NVARCHAR(64)    NULL,
    status_code          NVARCHAR(64)    NULL,                       -- the last TransaktionsStatusKode
    error_code           NVARCHAR(64)    NULL,
    created_at      BIGINT  NOT NULL,
    sent_at         BIGINT  NULL,
    status_at       BIGINT  NULL
);
CREATE INDEX ix_letters_due ON letters (status, next_attempt_at);
CREATE INDEX ix_letters_case ON letters (case_id);

-- Consent links: only a hash of the token is kept; single use; expires with the consent deadline.
CREATE TABLE consent_tokens (
    token_hash NVARCHAR(64)   NOT NULL PRIMARY KEY,
    case_id              NVARCHAR(64)    NOT NULL,
    party_id             NVARCHAR(64)    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT  NULL
);
CREATE INDEX ix_consent_tokens_case ON consent_tokens (case_id, party_id);
