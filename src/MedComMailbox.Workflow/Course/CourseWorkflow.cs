using System.Data.Common;
using System.Globalization;
using Dapper;
using MedComMailbox.Core.Course;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Contracts;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Course;

/// <summary>
/// The child's course after the committee's decision: the hand-over to the responsible party, planning and holding the
/// start, follow-up and closing meetings (each writes a version of the joint action plan), written reasons for missed
/// deadlines, and the deadline check the sweep runs (reminder, missed deadline, stalled course back to the committee).
/// Each command loads the course, asks Core's <see cref="ChildCourse"/> what follows, and stores the course, the case's
/// timeline and the letters in one transaction.
/// </summary>
public sealed class CourseWorkflow(
    CourseStore courses,
    CaseStore cases,
    CaseEffects caseEffects,
    CourseHandOver handOver,
    AuditLog audit,
    IOptions<WorkflowOptions> options,
    OutboxSignal outboxSignal,
    WorkflowSignal signal,
    TimeProvider time)
{
    /// <summary>The deadline row kind: "look at this course again now".</summary>
    public const string CheckKind = "CourseCheck";

    private static readonly CultureInfo Danish = CultureInfo.GetCultureInfo("da-DK");
    private readonly Lazy<CourseRules> _rules = new(() => options.Value.CourseRules());

    public CourseRules Rules => _rules.Value;

    /// <summary>The decision starts the course, inside the decision's own transaction: the case is handed to the responsible party.</summary>
    public async Task StartAsync(DbConnection connection, DbTransaction transaction, CaseRow caseRow, CommitteeDecision decision, string? actor, DateTimeOffset now)
    {
        var (course, effects) = ChildCourse.Start(Guid.Parse(caseRow.Id), decision.ResponsibleParty, decision.DecidedAt, Rules);
        var row = new CourseRow { CaseId = caseRow.Id, MailboxGln = caseRow.MailboxGln, DecidedAt = decision.DecidedAt.ToUnixTimeMilliseconds(), Version = 1 };
        CourseStore.Refresh(row, course, Rules);
        await courses.InsertAsync(connection, transaction, row);
        await handOver.HandOverAsync(connection, transaction, caseRow, decision, course.Milestones[0].Deadline!.Value, actor, now);
        await audit.RecordAsync(connection, transaction, new AuditEntry(actor ?? "Systemet", AuditActions.HandOverCourse, $"Overdragelse til indsatsansvarlig: {decision.ResponsibleParty}", caseRow.ChildCpr, "case", caseRow.Id));
        await ApplyAsync(connection, transaction, caseRow, course, effects, now, actor);
    }

    /// <summary>
    /// Consent was withdrawn or expired after the decision, inside the case's own transaction: the course ends and the
    /// responsible party is told through the channel the hand-over used (timeline and audit, as the hand-over).
    /// </summary>
    public async Task StopAsync(DbConnection connection, DbTransaction transaction, CaseRow caseRow, string reason, string? actor, DateTimeOffset now)
    {
        var row = await courses.GetAsync(connection, transaction, Guid.Parse(caseRow.Id));
        if (row is null)
        {
            return;
        }

        var course = ChildCourse.Restore(CourseStore.Deserialize(row.Snapshot), Rules);
        course.Stop(now);
        CourseStore.Refresh(row, course, Rules);
        await courses.UpdateAsync(connection, transaction, row);
        var why = reason == CaseReasons.ConsentWithdrawn ? "samtykket er trukket tilbage" : "samtykket gælder ikke længere";
        await handOver.TellStoppedAsync(connection, transaction, caseRow, course.ResponsibleParty, why, actor, now);
        await audit.RecordAsync(connection, transaction, new AuditEntry(actor ?? "Systemet", AuditActions.StopCourse, $"Besked til indsatsansvarlig om standset sag: {course.ResponsibleParty}", caseRow.ChildCpr, "case", caseRow.Id));
    }

    public Task<bool> PlanAsync(Guid caseId, DateTimeOffset at, string place, IReadOnlyList<string> participants, string staffUser, CancellationToken cancellationToken) =>
        RunAsync(caseId, staffUser, (_, _, _, course, now) => Task.FromResult<IReadOnlyList<CourseEffect>?>(Nullable(course.Plan(at, place, participants, now))), cancellationToken);

    /// <summary>The next meeting was held: the action plan's next version is stored; a next meeting date in the plan plans that meeting.</summary>
    public Task<bool> RecordHeldAsync(Guid caseId, DateTimeOffset heldAt, MeetingKind nextKind, ActionPlanContent plan, string staffUser, CancellationToken cancellationToken) =>
        RunAsync(caseId, staffUser, async (connection, transaction, caseRow, course, now) =>
        {
            var held = course.Next;
            var effects = course.RecordHeld(heldAt, nextKind, now);
            if (held is null || effects.Count == 0 && course.Next == held)
            {
                return null;
            }

            var version = await courses.AddPlanAsync(connection, transaction, caseRow.Id, held, heldAt, plan, staffUser, now.ToUnixTimeMilliseconds());
            await cases.AddEventAsync(connection, transaction, caseRow.Id, now.ToUnixTimeMilliseconds(), "course",
                $"{MeetingName(held.Kind, capital: true)} holdt {Day(Rules.LocalDate(heldAt))}; handleplanen er gemt som version {version}", staffUser);
            var result = effects.ToList();
            if (plan.NextMeetingAt is { } next && course.State != CourseState.Closed)
            {
                result.AddRange(course.Plan(next, plan.Place, plan.Participants, now));
            }

            return result;
        }, cancellationToken);

    public Task<bool> RecordMissedReasonAsync(Guid caseId, int milestone, string reason, string staffUser, CancellationToken cancellationToken) =>
        RunAsync(caseId, staffUser, async (connection, transaction, caseRow, course, now) =>
        {
            if (!course.RecordMissedReason(milestone, reason))
            {
                return null;
            }

            var kind = course.Milestones.First(m => m.Number == milestone).Kind;
            await cases.AddEventAsync(connection, transaction, caseRow.Id, now.ToUnixTimeMilliseconds(), "course",
                $"Begrundelse for overskredet frist ({MeetingName(kind, capital: false)}): {reason.Trim()}", staffUser);
            return [];
        }, cancellationToken);

    /// <summary>The committee took up a stalled course: same or another responsible party, who now plans the next meeting.</summary>
    public Task<bool> ResumeAsync(Guid caseId, string responsibleParty, string note, string staffUser, CancellationToken cancellationToken) =>
        RunAsync(caseId, staffUser, async (connection, transaction, caseRow, course, now) =>
        {
            var effects = course.Resume(responsibleParty, now);
            if (effects.Count == 0)
            {
                return null;
            }

            await cases.AddEventAsync(connection, transaction, caseRow.Id, now.ToUnixTimeMilliseconds(), "course",
                $"Udvalget har behandlet forløbet igen; indsatsansvarlig: {course.ResponsibleParty}{(string.IsNullOrWhiteSpace(note) ? "" : ". " + note.Trim())}", staffUser);
            return effects;
        }, cancellationToken);

    /// <summary>A course deadline row came due: whatever is due now (reminder, missed deadline, stall) happens once.</summary>
    public Task<bool> CheckAsync(Guid caseId, long deadlineId, CancellationToken cancellationToken) =>
        RunAsync(caseId, null, async (connection, transaction, _, course, now) =>
        {
            await DeadlineStore.MarkDoneAsync(connection, transaction, deadlineId, now);
            return course.Check(now);
        }, cancellationToken, alwaysSave: true);

    private delegate Task<IReadOnlyList<CourseEffect>?> CourseStep(DbConnection connection, DbTransaction transaction, CaseRow caseRow, ChildCourse course, DateTimeOffset now);

    private async Task<bool> RunAsync(Guid caseId, string? actor, CourseStep step, CancellationToken cancellationToken, bool alwaysSave = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var now = time.GetUtcNow();
                await using var connection = await courses.Database.OpenAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var caseRow = await cases.GetAsync(connection, transaction, caseId);
                var row = await courses.GetAsync(connection, transaction, caseId);
                if (caseRow is null || row is null)
                {
                    if (alwaysSave)
                    {
                        await transaction.CommitAsync(cancellationToken);
                    }

                    return false;
                }

                var course = ChildCourse.Restore(CourseStore.Deserialize(row.Snapshot), Rules);
                var effects = await step(connection, transaction, caseRow, course, now);
                if (effects is null && !alwaysSave)
                {
                    return false;
                }

                await ApplyAsync(connection, transaction, caseRow, course, effects ?? [], now, actor);
                CourseStore.Refresh(row, course, Rules);
                await courses.UpdateAsync(connection, transaction, row);
                await cases.UpdateAsync(connection, transaction, caseRow);
                await transaction.CommitAsync(cancellationToken);
                outboxSignal.Notify();
                signal.Notify();
                return effects is not null;
            }
            catch (CaseConcurrencyException) when (attempt < 5)
            {
            }
        }
    }

    private async Task ApplyAsync(DbConnection connection, DbTransaction transaction, CaseRow caseRow, ChildCourse course, IReadOnlyList<CourseEffect> effects, DateTimeOffset now, string? actor)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case ScheduleCourseCheck check:
                    await DeadlineStore.AddAsync(connection, transaction, caseRow.Id, CheckKind, check.DueAt.AddSeconds(1).ToUnixTimeMilliseconds());
                    break;

                case RemindResponsible remind:
                    var due = course.Milestones.First(m => m.Number == remind.Milestone);
                    await cases.AddEventAsync(connection, transaction, caseRow.Id, nowMs, "course-reminder",
                        $"Påmindelse til {course.ResponsibleParty}: {MeetingName(due.Kind, capital: false)} skal holdes senest {Day(due.Deadline!.Value)}", actor);
                    break;

                case DeadlineMissed missed:
                    var late = course.Milestones.First(m => m.Number == missed.Milestone);
                    caseRow.Flagged = true;
                    await cases.AddEventAsync(connection, transaction, caseRow.Id, nowMs, "flag",
                        $"Fristen for {MeetingName(late.Kind, capital: false)} ({Day(late.Deadline!.Value)}) er overskredet: skriv en begrundelse på sagen", actor);
                    break;

                case TellMeetingPlanned planned:
                    var meeting = course.Milestones.First(m => m.Number == planned.Milestone);
                    await cases.AddEventAsync(connection, transaction, caseRow.Id, nowMs, "course",
                        $"{MeetingName(meeting.Kind, capital: true)} planlagt {CaseEffects.Format(meeting.PlannedAt!.Value)}, {meeting.Place}; familien og lægen får besked", actor);
                    var @case = ReferralCase.Restore(CaseStore.Deserialize(caseRow.Snapshot), options.Value.ConsentPolicy());
                    await caseEffects.TellCourseMeetingAsync(connection, transaction, caseRow, @case, new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["meetingKind"] = MeetingName(meeting.Kind, capital: false),
                        ["meetingTime"] = CaseEffects.Format(meeting.PlannedAt!.Value),
                        ["meetingPlace"] = meeting.Place ?? "",
                        ["responsibleParty"] = course.ResponsibleParty,
                    }, now);
                    break;

                case BackOnAgenda:
                    caseRow.Flagged = true;
                    await cases.AddEventAsync(connection, transaction, caseRow.Id, nowMs, "flag",
                        "Forløbet er gået i stå: intet nyt møde er planlagt efter opfølgningsmødet. Sagen er tilbage på udvalgets dagsorden", actor);
                    break;

                case CourseEnded:
                    await cases.AddEventAsync(connection, transaction, caseRow.Id, nowMs, "course",
                        $"Forløbet er afsluttet med afslutningsmødet; {course.ResponsibleParty} har meddelt udvalget det", actor);
                    break;
            }
        }
    }

    private static IReadOnlyList<CourseEffect>? Nullable(IReadOnlyList<CourseEffect> effects) => effects.Count == 0 ? null : effects;

    public static string MeetingName(MeetingKind kind, bool capital) => (kind, capital) switch
    {
        (MeetingKind.Start, true) => "Opstartsmøde",
        (MeetingKind.Start, false) => "opstartsmøde",
        (MeetingKind.FollowUp, true) => "Opfølgningsmøde",
        (MeetingKind.FollowUp, false) => "opfølgningsmøde",
        (_, true) => "Afslutningsmøde",
        _ => "afslutningsmøde",
    };

    internal static string Day(DateOnly day) => day.ToString("d. MMMM yyyy", Danish);
}
