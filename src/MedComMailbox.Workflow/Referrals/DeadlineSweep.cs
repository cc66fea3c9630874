using System.Text.Json;
using MedComMailbox.Core.Committee;
using MedComMailbox.Core.People;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// Due deadlines: reminders, lapses, consent expiry, custody re-checks, deferred triage and the course's checks. Rows are
/// leased (<see cref="DeadlineStore.ClaimAsync"/>), so several processes may sweep at once; a failed one is tried again
/// with backoff.
/// </summary>
public sealed partial class DeadlineSweep(
    DeadlineStore deadlines,
    CaseStore cases,
    CaseRunner runner,
    ReferralTriage triage,
    Course.CourseWorkflow courses,
    ICustodyRegister register,
    IOptions<WorkflowOptions> options,
    TimeProvider time,
    ILogger<DeadlineSweep> logger)
{
    private static readonly TimeSpan DeadlineLease = TimeSpan.FromMinutes(2);
    private readonly string _me = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Lazy<AgendaPlanner> _planner = new(() => new AgendaPlanner(options.Value.Schedule(), options.Value.Calendar()));

    private AgendaPlanner Planner => _planner.Value;

    /// <summary>Handles every deadline row that is due; several processes may run this at once (rows are leased). Returns how many were handled.</summary>
    public async Task<int> RunDueDeadlinesAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = await deadlines.ClaimAsync(_me, DeadlineLease, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
            if (batch.Count == 0)
            {
                return handled;
            }

            foreach (var deadline in batch)
            {
                try
                {
                    await HandleDeadlineAsync(deadline, cancellationToken);
                    handled++;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    await PostponeDeadlineAsync(deadline, e, cancellationToken);
                }
            }
        }

        return handled;
    }

    private async Task HandleDeadlineAsync(DeadlineRow deadline, CancellationToken cancellationToken)
    {
        switch (deadline.Kind)
        {
            case DeadlineKinds.RetryTriage:
                await triage.RetryAsync(Guid.Parse(deadline.CaseId), cancellationToken);
                await deadlines.MarkDoneAsync(deadline.Id, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
                break;

            case DeadlineKinds.CustodyRecheck:
                var row = await runner.LoadRowAsync(Guid.Parse(deadline.CaseId), cancellationToken);
                var custody = row is null ? null : await register.LookupChildAsync(row.ChildCpr, cancellationToken);
                await runner.RunCaseAsync(Guid.Parse(deadline.CaseId), null, async (connection, transaction, caseRow, @case, now) =>
                {
                    await DeadlineStore.MarkDoneAsync(connection, transaction, deadline.Id, now);
                    var holders = (custody?.CustodyHolders ?? []).Where(h => !h.Dead).ToList();
                    if (holders.Count == 0)
                    {
                        await cases.AddEventAsync(connection, transaction, caseRow.Id, now.ToUnixTimeMilliseconds(), "flag",
                            "Forældremyndigheden kunne ikke bekræftes i CPR før udvalget: en medarbejder må se på sagen", null);
                        caseRow.Flagged = true;
                        return [];
                    }

                    var names = caseRow.Names().ToDictionary(StringComparer.Ordinal);
                    foreach (var h in holders)
                    {
                        names[h.Cpr] = h.Name;
                    }

                    caseRow.PartyNames = JsonSerializer.Serialize(names, CaseStore.Json);
                    return @case.CustodyRechecked(holders.Select(h => new CaseParty(h.Cpr, PartyRole.CustodyHolder, h.ProtectedAddress)).ToList(), Planner, now);
                }, alwaysSave: true, cancellationToken);
                break;

            case Course.CourseWorkflow.CheckKind:
                await courses.CheckAsync(Guid.Parse(deadline.CaseId), deadline.Id, cancellationToken);
                break;

            default:
                var kind = Enum.Parse<DeadlineKind>(deadline.Kind);
                await runner.RunCaseAsync(Guid.Parse(deadline.CaseId), null, async (connection, transaction, _, @case, now) =>
                {
                    await DeadlineStore.MarkDoneAsync(connection, transaction, deadline.Id, now);
                    return @case.DeadlineReached(kind, now);
                }, alwaysSave: true, cancellationToken);
                break;
        }
    }

    private async Task PostponeDeadlineAsync(DeadlineRow deadline, Exception error, CancellationToken cancellationToken)
    {
        var attempts = deadline.Attempts + 1;
        // 15 s, 30 s, 1 min … at most an hour: a busy database or a blip recovers in seconds, an outage gets backoff.
        var delay = TimeSpan.FromSeconds(Math.Min(3600, 15 * Math.Pow(2, Math.Min(attempts - 1, 8))));
        LogDeadlineFailed(logger, deadline.Id, deadline.Kind, attempts, error.GetType().FullName, delay.TotalMinutes);
        await deadlines.PostponeAsync(deadline.Id, attempts, error.GetType().FullName, time.GetUtcNow().Add(delay).ToUnixTimeMilliseconds(), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deadline {DeadlineId} ({Kind}) failed on attempt {Attempt} ({ExceptionType}); next try in {DelayMinutes} min")]
    private static partial void LogDeadlineFailed(ILogger logger, long deadlineId, string kind, long attempt, string? exceptionType, double delayMinutes);
}
