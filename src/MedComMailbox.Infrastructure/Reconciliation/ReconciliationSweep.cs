using Dapper;
using MedComMailbox.Contracts;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Reconciliation;

/// <summary>What is stored but not carried through after <c>Reconciliation:After</c>. Counts and times only.</summary>
/// <param name="UnroutedMessages">Accepted inbound messages the triage has not taken.</param>
/// <param name="PendingOutbox">Other outbox rows (replies, acknowledgements, case events) still not sent.</param>
/// <param name="OverdueDeadlines">Case deadlines (reminders, lapses, triage retries) due and not handled.</param>
/// <param name="Oldest">When the oldest of them was stored or came due; null when there is nothing.</param>
public sealed record DriftReport(long UnroutedMessages, long PendingOutbox, long OverdueDeadlines, DateTimeOffset? Oldest)
{
    public long Total => UnroutedMessages + PendingOutbox + OverdueDeadlines;
}

/// <summary>
/// Reconciliation between the database and the broker. The outbox makes each hand-off at least once, but a message
/// the broker confirmed can still vanish afterwards (a vhost deleted and recreated, a queue purged, a renamed consumer
/// endpoint whose old queue nobody reads). Every <c>Reconciliation:Interval</c> this sweep finds accepted inbound
/// messages still not routed after <c>Reconciliation:After</c> and puts their <see cref="MedComMessageReceived"/> row
/// back in the outbox; the consumers' ledger makes a repeat harmless. It also counts case effects not carried out
/// (outbox rows not sent, deadlines not handled), exports the total as a gauge, and opens an episode, announced once by
/// the failure webhook, while the total is at or above <c>Reconciliation:AlertThreshold</c>. Any number of processes
/// may run it: each update only takes rows that still qualify.
/// </summary>
public sealed partial class ReconciliationSweep(
    MailboxDatabase database,
    OutboxStore store,
    IOverdueDeadlines overdueDeadlines,
    OutboxSignal outbox,
    TelemetryGauges gauges,
    MailboxTelemetry telemetry,
    IOptions<ReconciliationOptions> options,
    TimeProvider time,
    ILogger<ReconciliationSweep> logger)
{
    private static readonly string ReceivedType = typeof(MedComMessageReceived).FullName!;

    /// <summary>What counts as drift now (the operations page shows it).</summary>
    public async Task<DriftReport> ReadAsync(CancellationToken cancellationToken)
    {
        var cutoff = Cutoff();
        await using var connection = await database.OpenAsync(cancellationToken);
        var unrouted = await connection.QuerySingleAsync<(long Count, long? Oldest)>(
            """
            SELECT COUNT(*) AS count, MIN(m.received_at) AS oldest FROM messages m
            WHERE m.direction = 'in' AND m.routed_at IS NULL AND m.received_at < @cutoff
              AND EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id AND o.kind = 'publish' AND o.type = @type)
            """,
            new { cutoff, type = ReceivedType });
        var pending = await connection.QuerySingleAsync<(long Count, long? Oldest)>(
            "SELECT COUNT(*) AS count, MIN(created_at) AS oldest FROM outbox WHERE dispatched_at IS NULL AND created_at < @cutoff AND NOT (kind = 'publish' AND type = @type)",
            new { cutoff, type = ReceivedType });
        var deadlines = await overdueDeadlines.OverdueAsync(cutoff, cancellationToken);
        var oldest = new[] { unrouted.Oldest, pending.Oldest, deadlines.OldestDueAt }.Where(o => o is not null).Select(o => o!.Value).DefaultIfEmpty(-1).Min();
        return new DriftReport(unrouted.Count, pending.Count, deadlines.Count, oldest < 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(oldest));
    }

    /// <summary>One sweep: republishes what was not routed, updates the gauges and the episode. Returns the events put back.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var cutoff = Cutoff();
        // dispatched_at < cutoff: a row is put back at most once per Reconciliation:After, and never while a publish of it
        // is in flight (a pending row is the dispatcher's).
        var republished = await store.RepublishUnroutedAsync(ReceivedType, now, cutoff, cancellationToken);
        if (republished > 0)
        {
            telemetry.Republished(republished);
            LogRepublished(logger, republished, options.Value.After.TotalSeconds);
            outbox.Notify();
        }

        var drift = await ReadAsync(cancellationToken);
        gauges.ReconciliationDrift = drift.Total;
        gauges.ReconciliationOldestSeconds = drift.Oldest is { } oldest ? Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds) : 0;
        await TrackEpisodeAsync(drift, now, cancellationToken);
        return republished;
    }

    private async Task TrackEpisodeAsync(DriftReport drift, long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (drift.Total >= options.Value.AlertThreshold)
        {
            // One open episode at a time: the insert takes effect only when none is open.
            var opened = await connection.ExecuteAsync(
                """
                INSERT INTO reconciliation_episodes (id, started_at, peak)
                SELECT @id, @now, @total WHERE NOT EXISTS (SELECT 1 FROM reconciliation_episodes WHERE ended_at IS NULL)
                """,
                new { id = Guid.NewGuid().ToString(), now, total = drift.Total });
            if (opened == 0)
            {
                await connection.ExecuteAsync("UPDATE reconciliation_episodes SET peak = @total WHERE ended_at IS NULL AND peak < @total", new { total = drift.Total });
            }
            else
            {
                LogEpisodeOpened(logger, drift.UnroutedMessages, drift.PendingOutbox, drift.OverdueDeadlines);
            }
        }
        else
        {
            await connection.ExecuteAsync("UPDATE reconciliation_episodes SET ended_at = @now WHERE ended_at IS NULL", new { now });
        }
    }

    private long Cutoff() => time.GetUtcNow().Subtract(options.Value.After).ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation: {Count} stored messages not routed after {AfterSeconds} s are published again")]
    private static partial void LogRepublished(ILogger logger, int count, double afterSeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation: drift above the alert threshold ({Unrouted} not routed, {Pending} outbox rows not sent, {Deadlines} deadlines overdue)")]
    private static partial void LogEpisodeOpened(ILogger logger, long unrouted, long pending, long deadlines);
}

/// <summary>Runs <see cref="ReconciliationSweep"/> every <c>Reconciliation:Interval</c>.</summary>
public sealed partial class ReconciliationService(ReconciliationSweep sweep, IOptions<ReconciliationOptions> options, TimeProvider time, ILogger<ReconciliationService> logger)
    : PeriodicBackgroundService(time)
{
    protected override TimeSpan Interval => options.Value.Interval;

    protected override bool RunsAtStart => false;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => sweep.SweepAsync(cancellationToken);

    // The database is busy or gone for a moment: the next tick tries again.
    protected override void LogFailed(Exception exception) => LogFailed(logger, exception.GetType().Name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reconciliation sweep failed ({ExceptionType}); retrying")]
    private static partial void LogFailed(ILogger logger, string exceptionType);
}
