using System.Data.Common;
using System.Text.Json;
using Dapper;
using MedComMailbox.Core.Course;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Workflow.Referrals;

namespace MedComMailbox.Workflow.Course;

/// <summary>One row of <c>courses</c>: the course's snapshot and the columns the lists, the start page and the statistics need.</summary>
public sealed class CourseRow
{
    public string CaseId { get; set; } = "";
    public string MailboxGln { get; set; } = "";
    public string State { get; set; } = "";
    public string ResponsibleParty { get; set; } = "";
    public long DecidedAt { get; set; }
    public long StartDeadline { get; set; }
    public long? StartHeldAt { get; set; }
    public long? FollowupDeadline { get; set; }
    public long? FollowupHeldAt { get; set; }
    public long? NextMeetingAt { get; set; }
    public bool NeedsReason { get; set; }
    public long? StalledAt { get; set; }
    public long? ClosedAt { get; set; }
    public string Snapshot { get; set; } = "";
    public long Version { get; set; }
}

/// <summary>The fields of one version of the joint action plan (fælles forpligtende handleplan) that the meeting writes.</summary>
public sealed record ActionPlanContent(
    string Place,
    IReadOnlyList<string> Participants,
    string WhatWorks,
    string WhatIsHard,
    string ChildGoals,
    string OurGoals,
    string Agreements,
    string Expectations,
    DateTimeOffset? NextMeetingAt);

/// <summary>The course tables: courses with optimistic concurrency and the action plan's versions.</summary>
public sealed class CourseStore(MailboxDatabase database)
{
    private static readonly JsonSerializerOptions Json = CaseStore.Json;

    public MailboxDatabase Database => database;

    /// <summary>The retention: the courses and action plans of deleted cases, in the deleting transaction.</summary>
    public static async Task DeleteForCasesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> caseIds)
    {
        var p = new { ids = caseIds };
        await connection.ExecuteAsync("DELETE FROM action_plans WHERE case_id IN @ids", p, transaction);
        await connection.ExecuteAsync("DELETE FROM courses WHERE case_id IN @ids", p, transaction);
    }

    public static string Serialize(ChildCourseSnapshot snapshot) => JsonSerializer.Serialize(snapshot, Json);

    public static ChildCourseSnapshot Deserialize(string json) =>
        JsonSerializer.Deserialize<ChildCourseSnapshot>(json, Json) ?? throw new InvalidOperationException("A stored course could not be read.");

    public static string SerializePlan(ActionPlanContent content) => JsonSerializer.Serialize(content, Json);

    public static ActionPlanContent DeserializePlan(string json) =>
        JsonSerializer.Deserialize<ActionPlanContent>(json, Json) ?? throw new InvalidOperationException("A stored action plan could not be read.");

    public Task<CourseRow?> GetAsync(DbConnection connection, DbTransaction? transaction, Guid caseId) =>
        connection.QuerySingleOrDefaultAsync<CourseRow>("SELECT * FROM courses WHERE case_id = @id", new { id = caseId.ToString() }, transaction);

    public Task InsertAsync(DbConnection connection, DbTransaction transaction, CourseRow row) =>
        connection.ExecuteAsync(
            """
            INSERT INTO courses (case_id, mailbox_gln, state, responsible_party, decided_at, start_deadline, start_held_at, followup_deadline, followup_held_at,
                                 next_meeting_at, needs_reason, stalled_at, closed_at, snapshot, version)
            VALUES (@CaseId, @MailboxGln, @State, @ResponsibleParty, @DecidedAt, @StartDeadline, @StartHeldAt, @FollowupDeadline, @FollowupHeldAt,
                    @NextMeetingAt, @NeedsReason, @StalledAt, @ClosedAt, @Snapshot, @Version)
            """,
            row,
            transaction);

    /// <summary>Writes the course back; throws <see cref="CaseConcurrencyException"/> when another writer got there first.</summary>
    public async Task UpdateAsync(DbConnection connection, DbTransaction transaction, CourseRow row)
    {
        var changed = await connection.ExecuteAsync(
            """
            UPDATE courses SET state = @State, responsible_party = @ResponsibleParty, start_held_at = @StartHeldAt, followup_deadline = @FollowupDeadline,
                   followup_held_at = @FollowupHeldAt, next_meeting_at = @NextMeetingAt, needs_reason = @NeedsReason, stalled_at = @StalledAt,
                   closed_at = @ClosedAt, snapshot = @Snapshot, version = version + 1
            WHERE case_id = @CaseId AND version = @Version
            """,
            row,
            transaction);
        if (changed != 1)
        {
            throw new CaseConcurrencyException();
        }

        row.Version++;
    }

    /// <summary>Stores the next version of the child's action plan; returns its version number.</summary>
    public async Task<int> AddPlanAsync(
        DbConnection connection, DbTransaction transaction, string caseId, Milestone milestone, DateTimeOffset meetingAt, ActionPlanContent content, string staffUser, long now)
    {
        var version = 1 + await connection.ExecuteScalarAsync<int>("SELECT COALESCE(MAX(version), 0) FROM action_plans WHERE case_id = @caseId", new { caseId }, transaction);
        await connection.ExecuteAsync(
            """
            INSERT INTO action_plans (case_id, version, milestone, meeting_kind, meeting_at, created_at, created_by, content)
            VALUES (@caseId, @version, @milestone, @kind, @meetingAt, @now, @staffUser, @content)
            """,
            new
            {
                caseId,
                version,
                milestone = milestone.Number,
                kind = milestone.Kind.ToString(),
                meetingAt = meetingAt.ToUnixTimeMilliseconds(),
                now,
                staffUser,
                content = SerializePlan(content),
            },
            transaction);
        return version;
    }

    /// <summary>Copies the course's state into the row's columns before saving.</summary>
    public static void Refresh(CourseRow row, ChildCourse course, CourseRules rules)
    {
        row.State = course.State.ToString();
        row.ResponsibleParty = course.ResponsibleParty;
        var start = course.Find(MeetingKind.Start);
        row.StartDeadline = start?.Deadline is { } sd ? rules.EndOf(sd).ToUnixTimeMilliseconds() : row.StartDeadline;
        row.StartHeldAt = start?.HeldAt?.ToUnixTimeMilliseconds();
        var followUp = course.Find(MeetingKind.FollowUp);
        row.FollowupDeadline = followUp?.Deadline is { } fd ? rules.EndOf(fd).ToUnixTimeMilliseconds() : null;
        row.FollowupHeldAt = followUp?.HeldAt?.ToUnixTimeMilliseconds();
        row.NextMeetingAt = course.Next?.PlannedAt?.ToUnixTimeMilliseconds();
        row.NeedsReason = course.NeedsReason;
        row.StalledAt = course.State == CourseState.Stalled ? course.StalledAt?.ToUnixTimeMilliseconds() : null;
        row.ClosedAt = course.ClosedAt?.ToUnixTimeMilliseconds();
        row.Snapshot = Serialize(course.ToSnapshot());
    }
}
