using Dapper;
using MedComMailbox.Core.Course;
using MedComMailbox.Workflow.Referrals;

namespace MedComMailbox.Workflow.Course;

public sealed record CourseDetail(
    Guid CaseId,
    string MailboxGln,
    string ChildName,
    string ChildCpr,
    CourseState State,
    string ResponsibleParty,
    string? ResponsibleContact,
    DateTimeOffset DecidedAt,
    IReadOnlyList<Milestone> Milestones,
    Milestone? Next,
    DateTimeOffset? StalledAt,
    IReadOnlyList<ActionPlanVersion> Plans);

public sealed record ActionPlanVersion(int Version, int Milestone, MeetingKind Kind, DateTimeOffset MeetingAt, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>One version of the plan with what the case knows about the child and the custody holders.</summary>
public sealed record ActionPlanView(
    Guid CaseId,
    string MailboxGln,
    string ChildName,
    string ChildCpr,
    IReadOnlyList<(string Name, string Role)> CustodyHolders,
    string ResponsibleParty,
    ActionPlanVersion Version,
    ActionPlanContent Content);

/// <summary>A course that needs a person: a missed deadline without a reason, or stalled and back with the committee.</summary>
public sealed record CourseAttention(Guid CaseId, string MailboxGln, string ChildName, string ChildCpr, string ResponsibleParty, bool NeedsReason, DateTimeOffset? StalledAt);

/// <summary>The read side of the course: one course with its action plan versions, a plan, and the courses that need a person.</summary>
public sealed class CourseQueries(CourseStore courses, CourseWorkflow workflow, Microsoft.Extensions.Options.IOptions<WorkflowOptions> options)
{
    public async Task<CourseDetail?> GetAsync(Guid caseId, CancellationToken cancellationToken)
    {
        await using var connection = await courses.Database.OpenAsync(cancellationToken);
        var row = await courses.GetAsync(connection, null, caseId);
        var caseRow = await connection.QuerySingleOrDefaultAsync<CaseRow>("SELECT * FROM cases WHERE id = @id", new { id = caseId.ToString() });
        if (row is null || caseRow is null)
        {
            return null;
        }

        var course = ChildCourse.Restore(CourseStore.Deserialize(row.Snapshot), workflow.Rules);
        var plans = (await connection.QueryAsync<PlanRow>(
                "SELECT version, milestone, meeting_kind, meeting_at, created_at, created_by FROM action_plans WHERE case_id = @id ORDER BY version", new { id = row.CaseId }))
            .Select(Version).ToList();
        var contact = options.Value.Course.ResponsibleParties.FirstOrDefault(p => string.Equals(p.Name, course.ResponsibleParty, StringComparison.OrdinalIgnoreCase))?.Contact;
        return new CourseDetail(caseId, row.MailboxGln, caseRow.ChildName, caseRow.ChildCpr, course.State, course.ResponsibleParty, contact, course.DecidedAt,
            course.Milestones, course.Next, course.StalledAt, plans);
    }

    public async Task<ActionPlanView?> GetPlanAsync(Guid caseId, int version, CancellationToken cancellationToken)
    {
        await using var connection = await courses.Database.OpenAsync(cancellationToken);
        var caseRow = await connection.QuerySingleOrDefaultAsync<CaseRow>("SELECT * FROM cases WHERE id = @id", new { id = caseId.ToString() });
        var plan = await connection.QuerySingleOrDefaultAsync<PlanRow>(
            "SELECT version, milestone, meeting_kind, meeting_at, created_at, created_by, content FROM action_plans WHERE case_id = @id AND version = @version",
            new { id = caseId.ToString(), version });
        var row = await courses.GetAsync(connection, null, caseId);
        if (caseRow is null || plan is null || row is null)
        {
            return null;
        }

        var @case = Core.Referrals.ReferralCase.Restore(CaseStore.Deserialize(caseRow.Snapshot), options.Value.ConsentPolicy());
        // A protected-address holder's name is left out of a document that is shared across units.
        var holders = @case.Parties.Where(p => p.Role == Core.Referrals.PartyRole.CustodyHolder)
            .Select(p => (p.ProtectedAddress ? "(navn og adresse beskyttet)" : caseRow.NameOf(p.PartyId), "Forældremyndighedsindehaver")).ToList();
        return new ActionPlanView(caseId, caseRow.MailboxGln, caseRow.ChildName, caseRow.ChildCpr, holders, row.ResponsibleParty, Version(plan), CourseStore.DeserializePlan(plan.Content));
    }

    /// <summary>Courses with a missed deadline that has no reason yet, and stalled courses, oldest first.</summary>
    public async Task<IReadOnlyList<CourseAttention>> NeedingAttentionAsync(IReadOnlyCollection<string> mailboxes, CancellationToken cancellationToken)
    {
        await using var connection = await courses.Database.OpenAsync(cancellationToken);
        var limited = mailboxes.Count > 0;
        var rows = await connection.QueryAsync<(string CaseId, string MailboxGln, string ChildName, string ChildCpr, string ResponsibleParty, bool NeedsReason, long? StalledAt)>(
            """
            SELECT c.case_id, c.mailbox_gln, k.child_name, k.child_cpr, c.responsible_party, c.needs_reason, c.stalled_at
            FROM courses c JOIN cases k ON k.id = c.case_id
            WHERE (c.needs_reason = 1 OR c.state = 'Stalled')
            """ + (limited ? " AND c.mailbox_gln IN @mailboxes" : "") + " ORDER BY c.decided_at",
            new { mailboxes });
        return rows.Select(r => new CourseAttention(Guid.Parse(r.CaseId), r.MailboxGln, r.ChildName, r.ChildCpr, r.ResponsibleParty, r.NeedsReason,
            r.StalledAt is { } s ? DateTimeOffset.FromUnixTimeMilliseconds(s) : null)).ToList();
    }

    private static ActionPlanVersion Version(PlanRow p) => new(
        (int)p.Version, (int)p.Milestone, Enum.Parse<MeetingKind>(p.MeetingKind), DateTimeOffset.FromUnixTimeMilliseconds(p.MeetingAt),
        DateTimeOffset.FromUnixTimeMilliseconds(p.CreatedAt), p.CreatedBy);

    private sealed class PlanRow
    {
        public long Version { get; set; }
        public long Milestone { get; set; }
        public string MeetingKind { get; set; } = "";
        public long MeetingAt { get; set; }
        public long CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";
        public string Content { get; set; } = "{}";
    }
}
