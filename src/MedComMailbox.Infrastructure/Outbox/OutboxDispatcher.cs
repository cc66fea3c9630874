using System.Text.Json;
using MassTransit;
using MedComMailbox.Contracts;
using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.Infrastructure.Vans;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Outbox;

/// <summary>
/// Sends what the intake committed: publishes bus events and delivers envelopes to the VANS provider, marking each
/// row dispatched only afterwards. A crash between the two repeats the row on restart (at least once), which is
/// why consumers are idempotent and a delivery overwrites the same file. Rows are claimed with a lease, so more
/// than one process may run a dispatcher against the same database.
/// </summary>
public sealed partial class OutboxDispatcher(
    OutboxStore store,
    IBus bus,
    TopologyDeployer topology,
    IVansTransport transport,
    OutboxSignal signal,
    IOptions<BusOptions> busOptions,
    TimeProvider time,
    MailboxTelemetry telemetry,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly Dictionary<string, Type> EventTypes = typeof(MedComMessageReceived).Assembly.GetExportedTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false })
        .ToDictionary(t => t.FullName!, StringComparer.Ordinal);

    // A row claimed by a process that then died is free again after the lease: kept short, and every dispatch is
    // cut off well inside it (publish: Bus:PublishTimeout, at most a minute; delivery: DeliveryTimeout).
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);
    private readonly TimeSpan _lease = busOptions.Value.PublishTimeout.Add(TimeSpan.FromSeconds(5)) > TimeSpan.FromSeconds(25)
        ? busOptions.Value.PublishTimeout.Add(TimeSpan.FromSeconds(5))
        : TimeSpan.FromSeconds(25);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    // Rows claimed (and marked dispatched) in one write each; small, so a chunk is sent well inside its lease.
    private const int ClaimChunk = 16;
    private readonly string _instance = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RecoverLostInMemoryEventsAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLoopFailed(logger, ex.GetType().FullName);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database itself failed: wait and try again; nothing is lost, the rows stay pending.
                LogLoopFailed(logger, ex.GetType().FullName);
            }

            await signal.WaitAsync(Poll, stoppingToken);
        }
    }

    /// <summary>Dispatches the rows due now. Returns how many were sent (for tests and the loop).</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // Until the bus can take events (topology deployed, bus connected), publish rows are left alone rather than
        // tried and failed: a failure would count an attempt and set a backoff on the host's clock (which a start-up
        // with a held clock never moves on). VANS deliveries do not need the bus and go out meanwhile.
        var due = await store.DueAsync(now, includePublish: PublishReady(), limit: 100, cancellationToken);

        var sent = 0;
        foreach (var chunk in due.Chunk(ClaimChunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            sent += await DispatchChunkAsync(chunk, cancellationToken);
        }

        return sent;
    }

    /// <summary>
    /// One claim for the chunk, each row sent, then one mark for the rows sent: two write transactions per chunk instead
    /// of two per row. A crash before the mark sends the chunk's rows again (at least once, as before, only more of
    /// them), which the consumers' ledger and the overwritten delivery file make harmless.
    /// </summary>
    private async Task<int> DispatchChunkAsync(long[] chunk, CancellationToken cancellationToken)
    {
        var claimedAt = time.GetUtcNow();
        var rows = await store.ClaimAsync(chunk, _instance, claimedAt.ToUnixTimeMilliseconds() + (long)_lease.TotalMilliseconds, claimedAt.ToUnixTimeMilliseconds(), cancellationToken);
        var sent = new List<OutboxRecord>(rows.Count);
        var tried = 0;
        try
        {
            foreach (var row in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // A row is only tried while its lease outlasts its longest try, so no other process can take it while it
                // is being sent; a slow chunk hands its untried rows back at the end.
                if (time.GetUtcNow() - claimedAt > _lease - LongestTry(row))
                {
                    break;
                }

                tried++;
                if (await DispatchAsync(row, cancellationToken))
                {
                    sent.Add(row);
                }
            }
        }
        finally
        {
            if (sent.Count > 0 || tried < rows.Count)
            {
                await store.MarkDispatchedAsync(sent.ConvertAll(r => r.Id), rows.Skip(tried).Select(r => r.Id).ToList(), _instance, time.GetUtcNow().ToUnixTimeMilliseconds());
                foreach (var row in sent)
                {
                    telemetry.Dispatched(row.Kind, row.Type, time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt));
                }
            }
        }

        return sent.Count;
    }

    /// <summary>How long one try of the row can take at most (its timeout), with a margin for the mark.</summary>
    private TimeSpan LongestTry(OutboxRecord row) =>
        (row.Kind == OutboxKind.Publish ? busOptions.Value.PublishTimeout : DeliveryTimeout) + TimeSpan.FromSeconds(2);

    private bool PublishReady() =>
        topology.IsDeployed && (bus is not IBusControl control || control.CheckHealth().Status == BusHealthStatus.Healthy);

    /// <summary>Sends one claimed row; false (and the row released for a later try) when it failed.</summary>
    private async Task<bool> DispatchAsync(OutboxRecord row, CancellationToken cancellationToken)
    {
        using var activity = MailboxTelemetry.StartForMessage($"medcom.outbox.{row.Kind}", row.MessageId, System.Diagnostics.ActivityKind.Producer);
        try
        {
            if (row.Kind == OutboxKind.Publish)
            {
                await PublishAsync(row, cancellationToken);
            }
            else
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(DeliveryTimeout);
                await transport.DeliverAsync(row.FileName ?? $"{row.MessageId}-{row.Id}.xml", row.Payload, timeout.Token);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await FailAsync(row, ex, cancellationToken);
            return false;
        }

        return true;
    }

    private async Task PublishAsync(OutboxRecord row, CancellationToken cancellationToken)
    {
        if (!EventTypes.TryGetValue(row.Type, out var type))
        {
            throw new InvalidOperationException($"Outbox row {row.Id} names an unknown event type.");
        }

        // RabbitMQ drops (and still confirms) a message sent to an exchange no queue is bound to: publish only once
        // the topology is deployed and the bus is connected, so an early row waits in the outbox instead of vanishing.
        // Checked again here: the bus may have dropped since the batch was selected.
        if (!PublishReady())
        {
            throw new InvalidOperationException("The broker topology is not deployed or the bus is not connected yet.");
        }

        var message = JsonSerializer.Deserialize(row.Payload, type) ?? throw new InvalidOperationException($"Outbox row {row.Id} holds no event.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(busOptions.Value.PublishTimeout);
        // An event some consumer takes is published mandatory: if no queue is bound (a broker reset, a recreated vhost)
        // RabbitMQ returns it, the publish fails with MessageReturnedException and the row is tried again after the
        // topology is deployed anew. Events only other systems may subscribe to are not mandatory.
        var mandatory = topology.ConsumedMessageTypes.Contains(type);
        try
        {
            // With RabbitMQ this returns once the broker has confirmed the message (publisher confirms).
            await bus.Publish(message, type, Pipe.Execute<PublishContext>(context =>
            {
                if (mandatory && context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                {
                    rabbit.Mandatory = true;
                }
            }), timeout.Token);
        }
        catch (MessageReturnedException)
        {
            telemetry.Returned(row.Type);
            topology.Redeploy();
            throw;
        }
    }

    private async Task FailAsync(OutboxRecord row, Exception ex, CancellationToken cancellationToken)
    {
        var attempts = row.Attempts + 1;
        var delay = TimeSpan.FromSeconds(Math.Min(15, Math.Pow(2, Math.Min(attempts, 5)) / 2));
        LogDispatchFailed(logger, row.Id, row.Kind, attempts, ex.GetType().FullName, delay.TotalSeconds);
        await store.FailAsync(row.Id, attempts, ex.GetType().FullName, time.GetUtcNow().Add(delay).ToUnixTimeMilliseconds(), cancellationToken);
    }

    /// <summary>
    /// The in-memory transport loses what it holds when the process dies. Events it had taken but no consumer had
    /// recorded are therefore published again at start-up; the consumers' ledger makes the repeat harmless.
    /// RabbitMQ keeps unacknowledged messages itself, so this runs only for the embedded default.
    /// </summary>
    private async Task RecoverLostInMemoryEventsAsync(CancellationToken cancellationToken)
    {
        if (busOptions.Value.Transport != BusTransport.InMemory || !busOptions.Value.RunConsumers)
        {
            return;
        }

        var requeued = await store.RequeueUnconsumedAsync(typeof(MedComMessageReceived).FullName!, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        if (requeued > 0)
        {
            LogRequeued(logger, requeued);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {OutboxId} ({Kind}) failed on attempt {Attempt} ({ExceptionType}); next try in {DelaySeconds} s")]
    private static partial void LogDispatchFailed(ILogger logger, long outboxId, string kind, int attempt, string? exceptionType, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox could not be read ({ExceptionType}); retrying")]
    private static partial void LogLoopFailed(ILogger logger, string? exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} events published before a restart but never consumed are published again")]
    private static partial void LogRequeued(ILogger logger, int count);
}
