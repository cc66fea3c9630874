-- 0007: the child's course after the committee's decision (start, follow-up and closing meetings) and the joint action
-- plan (fælles forpligtende handleplan), one version per meeting. Times are Unix milliseconds (UTC). Personal data:
-- courses.snapshot, action_plans.content.
CREATE TABLE courses (
    case_id           NVARCHAR(64)  NOT NULL PRIMARY KEY,
    mailbox_gln       NVARCHAR(64)  NOT NULL,
    state             NVARCHAR(64)  NOT NULL,
    responsible_party NVARCHAR(400) NOT NULL,
    decided_at        BIGINT        NOT NULL,
    start_deadline    BIGINT        NOT NULL,
    start_held_at     BIGINT        NULL,
    followup_deadline BIGINT        NULL,
    followup_held_at  BIGINT        NULL,
    next_meeting_at   BIGINT        NULL,
    needs_reason      BIGINT        NOT NULL DEFAULT 0,
    stalled_at        BIGINT        NULL,
    closed_at         BIGINT        NULL,
    snapshot          NVARCHAR(MAX) NOT NULL,
    version           BIGINT        NOT NULL
);
CREATE INDEX ix_courses_state ON courses (state, decided_at);

CREATE TABLE action_plans (
    id           BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    case_id      NVARCHAR(64)  NOT NULL,
    version      BIGINT        NOT NULL,
    milestone    BIGINT        NOT NULL,
    meeting_kind NVARCHAR(64)  NOT NULL,
    meeting_at   BIGINT        NOT NULL,
    created_at   BIGINT        NOT NULL,
    created_by   NVARCHAR(400) NOT NULL,
    content      NVARCHAR(MAX) NOT NULL
);
CREATE UNIQUE INDEX ux_action_plans_version ON action_plans (case_id, version);
