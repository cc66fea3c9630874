using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Course;
using MedComMailbox.Core.Referrals;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Course;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Workflow;

/// <summary>
/// The course after the decision on the embedded default (SQLite file, in-memory bus, development register and letter
/// box) on a fake clock: hand-over, reminder, missed deadline and its reason, meeting letters to the family and the GP,
/// the action plan's versions, a stalled course back on the committee's agenda, the closing meeting.
/// </summary>
public sealed class CourseWorkflowTests : IDisposable
{
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");
    private readonly FakeClockMailbox _host = new();

    public void Dispose() => _host.Dispose();

    private async Task<Guid> DecidedCaseAsync() => await _host.DecidedAsync(await _host.ReferAsync(Samples.Referral));

    private async Task<List<string>> EventsAsync(Guid id) =>
        await _host.App.QueryAsync<string>("SELECT text FROM case_events WHERE case_id = @id ORDER BY id", new { id = id.ToString() });

    private static ActionPlanContent Plan(DateTimeOffset? next = null) =>
        new("PPR, Torvet 1", ["Ida Holm, psykolog"], "Alma kommer i skole", "Søvn", "Sove bedre", "Færre fravær", "PPR taler med skolen", "Forældrene deltager", next);

    [Fact]
    public async Task The_decision_hands_the_case_over_and_the_start_meeting_deadline_is_reminded_then_missed_until_a_reason_is_written()
    {
        var id = await DecidedCaseAsync();
        var decidedAt = _host.Clock.GetUtcNow();

        var course = (await _host.CourseQueries.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(CourseState.Running, course.State);
        Assert.Equal("PPR", course.ResponsibleParty);
        var deadline = Assert.Single(course.Milestones).Deadline!.Value;
        Assert.Equal(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(decidedAt.AddDays(28), Copenhagen).DateTime), deadline);
        Assert.Contains(await EventsAsync(id), e => e.StartsWith("Sagen er overdraget til PPR", StringComparison.Ordinal));
        Assert.Equal(1, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'hand-over-course' AND target_id = @id", new { id = id.ToString() }));

        // Six days before the deadline's end: the reminder, once.
        var end = course.Milestones[0].Deadline!.Value.AddDays(1).ToDateTime(TimeOnly.MinValue);
        var endAt = new DateTimeOffset(end, Copenhagen.GetUtcOffset(end));
        _host.Clock.SetUtcNow(endAt.AddDays(-6));
        await _host.SweepAsync();
        await _host.SweepAsync();
        Assert.Single(await EventsAsync(id), e => e.StartsWith("Påmindelse til PPR", StringComparison.Ordinal));
        Assert.Empty(await _host.CourseQueries.NeedingAttentionAsync([], CancellationToken.None));

        // The deadline passes: the case is flagged and shows among the courses that need a person.
        _host.Clock.SetUtcNow(endAt.AddMinutes(1));
        await _host.SweepAsync();
        var attention = Assert.Single(await _host.CourseQueries.NeedingAttentionAsync([], CancellationToken.None));
        Assert.True(attention.NeedsReason);
        Assert.Equal(1, await _host.App.QuerySingleAsync<long>("SELECT flagged FROM cases WHERE id = @id", new { id = id.ToString() }));
        Assert.False(await _host.Courses.RecordMissedReasonAsync(id, 1, "  ", "sundhedsplejerske", CancellationToken.None));
        Assert.True(await _host.Courses.RecordMissedReasonAsync(id, 1, "Familien aflyste to gange", "sundhedsplejerske", CancellationToken.None));
        Assert.Empty(await _host.CourseQueries.NeedingAttentionAsync([], CancellationToken.None));
        Assert.Equal("Familien aflyste to gange", (await _host.CourseQueries.GetAsync(id, CancellationToken.None))!.Milestones[0].MissedReason);

        // The statistics: one course, its start meeting not held (no date) and so not within the deadline.
        var start = (await ReportAsync()).Course.Single(t => t.Name == MedComMailbox.Workflow.Statistics.IndicatorQueries.DecisionToStart);
        Assert.Equal((1, 0, 0, 1), (start.Cases, start.WithinDeadline, start.Late, start.MissingDate));
    }

    private async Task<MedComMailbox.Workflow.Statistics.IndicatorReport> ReportAsync()
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_host.Clock.GetUtcNow(), Copenhagen).DateTime);
        return await _host.App.Services.GetRequiredService<MedComMailbox.Workflow.Statistics.IndicatorQueries>()
            .ReportAsync(MedComMailbox.Workflow.Statistics.StatisticsPeriod.LastTwelveMonths(today), [], CancellationToken.None);
    }

    [Fact]
    public async Task A_planned_meeting_is_told_to_the_family_and_the_gp_and_each_held_meeting_writes_a_new_version_of_the_action_plan()
    {
        var id = await DecidedCaseAsync();
        var lettersBefore = await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'CourseMeeting'");
        var gpBefore = await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM case_messages WHERE role = 'CourseMeeting'");

        var at = _host.Clock.GetUtcNow().AddDays(10);
        Assert.False(await _host.Courses.PlanAsync(id, at, " ", [], "sundhedsplejerske", CancellationToken.None));
        Assert.True(await _host.Courses.PlanAsync(id, at, "PPR, Torvet 1", ["Ida Holm, psykolog"], "sundhedsplejerske", CancellationToken.None));
        await _host.SweepAsync();

        Assert.Equal(0, lettersBefore);
        Assert.Equal(0, gpBefore);
        var letters = await _host.App.QueryAsync<(string Body, string Status)>("SELECT body, status FROM letters WHERE kind = 'CourseMeeting'");
        Assert.Equal(2, letters.Count);
        Assert.All(letters, l => Assert.Contains("opstartsmøde", l.Body, StringComparison.Ordinal));
        Assert.All(letters, l => Assert.Contains("PPR, Torvet 1", l.Body, StringComparison.Ordinal));
        Assert.All(letters, l => Assert.Equal("delivered", l.Status));
        Assert.Equal(1, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM case_messages WHERE role = 'CourseMeeting'"));

        // Held: version 1 of the plan; the follow-up is due six weeks later, and its planned date comes from the plan.
        _host.Clock.SetUtcNow(at.AddHours(2));
        var next = at.AddDays(30);
        Assert.False(await _host.Courses.RecordHeldAsync(id, at.AddDays(3), MeetingKind.FollowUp, Plan(), "sundhedsplejerske", CancellationToken.None));
        Assert.True(await _host.Courses.RecordHeldAsync(id, at, MeetingKind.FollowUp, Plan(next), "sundhedsplejerske", CancellationToken.None));
        var course = (await _host.CourseQueries.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(MeetingKind.FollowUp, course.Next!.Kind);
        Assert.Equal(next, course.Next.PlannedAt);
        // The start meeting on 5 December 2026: six weeks later is Saturday 16 January 2027: the deadline moves to Monday the 18th.
        Assert.Equal(new DateOnly(2027, 1, 16), DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at.AddDays(42), Copenhagen).DateTime));
        Assert.Equal(new DateOnly(2027, 1, 18), course.Next.Deadline);
        var plan = (await _host.CourseQueries.GetPlanAsync(id, 1, CancellationToken.None))!;
        Assert.Equal(MeetingKind.Start, plan.Version.Kind);
        Assert.Equal("PPR taler med skolen", plan.Content.Agreements);
        Assert.Equal(2, plan.CustodyHolders.Count);
        Assert.Null(await _host.CourseQueries.GetPlanAsync(id, 2, CancellationToken.None));
    }

    [Fact]
    public async Task A_course_with_nothing_planned_after_a_follow_up_goes_back_to_the_committee_and_ends_with_the_closing_meeting()
    {
        var id = await DecidedCaseAsync();
        var start = _host.Clock.GetUtcNow().AddDays(7);
        _host.Clock.SetUtcNow(start);
        Assert.True(await _host.Courses.RecordHeldAsync(id, start, MeetingKind.FollowUp, Plan(), "sundhedsplejerske", CancellationToken.None));
        var followUp = start.AddDays(35);
        _host.Clock.SetUtcNow(followUp);
        await _host.SweepAsync();
        Assert.True(await _host.Courses.RecordHeldAsync(id, followUp, MeetingKind.FollowUp, Plan(), "sundhedsplejerske", CancellationToken.None));

        // Nothing planned within 14 days of the follow-up: stalled, back on the committee's agenda.
        _host.Clock.SetUtcNow(followUp.AddDays(13));
        await _host.SweepAsync();
        Assert.Equal(CourseState.Running, (await _host.CourseQueries.GetAsync(id, CancellationToken.None))!.State);
        _host.Clock.SetUtcNow(followUp.AddDays(14).AddMinutes(1));
        await _host.SweepAsync();
        Assert.Equal(CourseState.Stalled, (await _host.CourseQueries.GetAsync(id, CancellationToken.None))!.State);
        var stalled = Assert.Single(await _host.CourseQueries.NeedingAttentionAsync([], CancellationToken.None));
        Assert.NotNull(stalled.StalledAt);
        Assert.Contains(await EventsAsync(id), e => e.Contains("tilbage på udvalgets dagsorden", StringComparison.Ordinal));

        // The committee hands it to the school, which plans and holds the closing meeting.
        Assert.True(await _host.Courses.ResumeAsync(id, "Skolen", "Skolen overtager", "udvalg", CancellationToken.None));
        Assert.False(await _host.Courses.ResumeAsync(id, "Skolen", "", "udvalg", CancellationToken.None));
        Assert.Empty(await _host.CourseQueries.NeedingAttentionAsync([], CancellationToken.None));
        var closing = _host.Clock.GetUtcNow().AddDays(5);
        Assert.True(await _host.Courses.PlanAsync(id, closing, "Skolen", ["Klasselærer"], "sundhedsplejerske", CancellationToken.None));
        _host.Clock.SetUtcNow(closing);
        Assert.True(await _host.Courses.RecordHeldAsync(id, closing, MeetingKind.Closing, Plan(), "sundhedsplejerske", CancellationToken.None));
        var course = (await _host.CourseQueries.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(MeetingKind.Closing, course.Next!.Kind);
        _host.Clock.Advance(TimeSpan.FromDays(20));
        Assert.True(await _host.Courses.RecordHeldAsync(id, _host.Clock.GetUtcNow(), MeetingKind.FollowUp, Plan(), "sundhedsplejerske", CancellationToken.None));

        course = (await _host.CourseQueries.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(CourseState.Closed, course.State);
        Assert.Equal(4, course.Plans.Count);
        Assert.Equal([MeetingKind.Start, MeetingKind.FollowUp, MeetingKind.FollowUp, MeetingKind.Closing], course.Plans.Select(p => p.Kind));
        Assert.Contains(await EventsAsync(id), e => e.StartsWith("Forløbet er afsluttet", StringComparison.Ordinal));
        // The statistics: the start meeting 7 days after the decision, the follow-up 35 days after the start: both within.
        var report = await ReportAsync();
        var decisionToStart = report.Course.Single(t => t.Name == MedComMailbox.Workflow.Statistics.IndicatorQueries.DecisionToStart);
        var startToFollowUp = report.Course.Single(t => t.Name == MedComMailbox.Workflow.Statistics.IndicatorQueries.StartToFollowUp);
        Assert.Equal((1, 1, 0, 0, 7.0), (decisionToStart.Cases, decisionToStart.WithinDeadline, decisionToStart.Late, decisionToStart.MissingDate, decisionToStart.MedianDays));
        Assert.Equal((1, 1, 0, 0, 35.0), (startToFollowUp.Cases, startToFollowUp.WithinDeadline, startToFollowUp.Late, startToFollowUp.MissingDate, startToFollowUp.MedianDays));
        Assert.Contains(report.Values(), v => v.Indicator == MedComMailbox.Workflow.Statistics.IndicatorQueries.StartToFollowUp && v.Category == "Inden for fristen, procent" && v.Value == "100");

        _host.Clock.Advance(TimeSpan.FromDays(100));
        await _host.SweepAsync();
        Assert.Empty(await _host.CourseQueries.NeedingAttentionAsync([], CancellationToken.None));
    }
}
