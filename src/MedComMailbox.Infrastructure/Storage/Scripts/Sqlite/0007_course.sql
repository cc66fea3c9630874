-- 0007: the child's course after the committee's decision (start, follow-up and closing meetings) and the joint action
-- plan (fælles forpligtende handleplan), one version per meeting. Times are Unix milliseconds (UTC). Personal data:
-- courses.snapshot, action_plans.content.
CREATE TABLE courses (
    case_id           TEXT    NOT NULL PRIMARY KEY,      -- cases.id: one course per decided case
    mailbox_gln       TEXT    NOT NULL,
    state             TEXT    NOT NULL,                  -- Core CourseState
    responsible_party TEXT    NOT NULL,
    decided_at        INTEGER NOT NULL,
    start_deadline    INTEGER NOT NULL,                  -- the start meeting's last day (midnight after it)
    start_held_at     INTEGER NULL,
    followup_deadline INTEGER NULL,
    followup_held_at  INTEGER NULL,                      -- the first follow-up meeting
    next_meeting_at   INTEGER NULL,                      -- the planned next meeting
    needs_reason      INTEGER NOT NULL DEFAULT 0,        -- a missed deadline without a written reason
    stalled_at        INTEGER NULL,
    closed_at         INTEGER NULL,
    snapshot          TEXT    NOT NULL,                  -- JSON of Core ChildCourseSnapshot
    version           INTEGER NOT NULL                   -- optimistic concurrency
);
CREATE INDEX ix_courses_state ON courses (state, decided_at);

CREATE TABLE action_plans (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    case_id      TEXT    NOT NULL,
    version      INTEGER NOT NULL,                       -- 1, 2, … per child: one per meeting
    milestone    INTEGER NOT NULL,
    meeting_kind TEXT    NOT NULL,                       -- Core MeetingKind
    meeting_at   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   TEXT    NOT NULL,
    content      TEXT    NOT NULL                        -- JSON of the plan's fields
);
CREATE UNIQUE INDEX ux_action_plans_version ON action_plans (case_id, version);
