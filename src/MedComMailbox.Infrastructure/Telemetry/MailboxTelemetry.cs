using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MedComMailbox.Infrastructure.Telemetry;

/// <summary>
/// The mailbox's own metrics (Meter "MedComMailbox") and traces (ActivitySource "MedComMailbox"). Tags are location
/// numbers, message kinds and letter kinds: never CPR numbers, names or text.
/// <para>
/// A message's trace id is its id in the mailbox (<c>messages.id</c> without dashes), so the intake, the outbox's
/// publish (which MassTransit carries to the consumer: triage), and the letters sent for the case later all land in one
/// trace although they run at different times, and an operator finds the trace from the id the intake API returned.
/// </para>
/// </summary>
public sealed class MailboxTelemetry
{
    public const string Name = "MedComMailbox";

    /// <summary>Static: an <see cref="ActivitySource"/> has no per-container state, and static calls keep the instrumented lines short.</summary>
    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> _received;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _duplicated;
    private readonly Histogram<double> _acknowledgementLatency;
    private readonly Counter<long> _lettersSent;
    private readonly Counter<long> _lettersFailed;
    private readonly Counter<long> _consumerErrors;
    private readonly Counter<long> _returned;
    private readonly Counter<long> _republished;

    public MailboxTelemetry(IMeterFactory meters, TelemetryGauges gauges)
    {
        var meter = meters.Create(Name);
        _received = meter.CreateCounter<long>("medcom.messages.received", "{message}", "Inbound MedCom messages accepted, per mailbox and kind.");
        _rejected = meter.CreateCounter<long>("medcom.messages.rejected", "{message}", "Inbound MedCom messages rejected (negative acknowledgement), per mailbox and kind.");
        _duplicated = meter.CreateCounter<long>("medcom.messages.duplicated", "{message}", "Inbound MedCom messages seen before, per mailbox and kind.");
        _acknowledgementLatency = meter.CreateHistogram<double>("medcom.acknowledgement.latency", "s", "From storing a message to handing its acknowledgement to the VANS provider.");
        _lettersSent = meter.CreateCounter<long>("medcom.letters.sent", "{letter}", "Digital Post letters accepted by Serviceplatformen (or the stand-in), per letter kind.");
        _lettersFailed = meter.CreateCounter<long>("medcom.letters.failed", "{letter}", "Digital Post letters that failed for good, per letter kind.");
        _consumerErrors = meter.CreateCounter<long>("medcom.consumer.errors", "{error}", "Bus messages whose consumer failed (each try), per consumer.");
        _returned = meter.CreateCounter<long>("medcom.outbox.returned", "{event}", "Mandatory publishes RabbitMQ returned because no queue was bound (tried again after the topology is deployed).");
        _republished = meter.CreateCounter<long>("medcom.reconciliation.republished", "{event}", "Events the reconciliation sweep published again because their message was not routed in time.");
        meter.CreateObservableGauge("medcom.reconciliation.drift", () => gauges.ReconciliationDrift, "{item}", "Stored messages not routed and case effects not carried out after Reconciliation:After.");
        meter.CreateObservableGauge("medcom.reconciliation.oldest", () => gauges.ReconciliationOldestSeconds, "s", "Age of the oldest item counted in medcom.reconciliation.drift.");
        meter.CreateObservableGauge("medcom.outbox.depth", () => gauges.OutboxDepth, "{row}", "Outbox rows not yet published or delivered.");
        meter.CreateObservableGauge("medcom.consents.pending", () => gauges.ConsentsPending, "{case}", "Cases waiting for consent.");
        meter.CreateObservableGauge("medcom.consents.overdue", () => gauges.ConsentsOverdue, "{case}", "Cases waiting for consent past their deadline.");
    }

    /// <summary>A new message stored: accepted (received) or rejected.</summary>
    public void MessageStored(string? mailbox, object kind, bool accepted) => (accepted ? _received : _rejected).Add(1, Tags(mailbox, kind));

    public void MessageDuplicated(string? mailbox, object kind) => _duplicated.Add(1, Tags(mailbox, kind));

    /// <summary>An outbox row went out <paramref name="sinceCreated"/> after it was written; for acknowledgements and receipts that is the acknowledgement latency.</summary>
    public void Dispatched(string outboxKind, string type, TimeSpan sinceCreated)
    {
        if (outboxKind == Storage.OutboxKind.Deliver && type is "Acknowledgement" or "OioXmlReceipt")
        {
            _acknowledgementLatency.Record(Math.Max(0, sinceCreated.TotalSeconds), new KeyValuePair<string, object?>("message.kind", type));
        }
    }

    public void LetterSent(string kind) => _lettersSent.Add(1, new KeyValuePair<string, object?>("letter.kind", kind));

    public void LetterFailed(string kind) => _lettersFailed.Add(1, new KeyValuePair<string, object?>("letter.kind", kind));

    public void Returned(string type) => _returned.Add(1, new KeyValuePair<string, object?>("event.type", type));

    public void Republished(long count) => _republished.Add(count);

    public void ConsumerFailed(string consumer) => _consumerErrors.Add(1, new KeyValuePair<string, object?>("consumer", consumer));

    /// <summary>
    /// Starts an activity in the trace of the stored message <paramref name="messageId"/> (the current activity, e.g.
    /// the HTTP request, is linked). Null when no one listens, which is the case while <c>Telemetry:OtlpEndpoint</c> is empty.
    /// </summary>
    public static Activity? StartForMessage(string name, Guid messageId, ActivityKind kind = ActivityKind.Internal)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var links = Activity.Current is { } current ? new[] { new ActivityLink(current.Context) } : null;
        var activity = Source.StartActivity(name, kind, TraceOf(messageId), links: links);
        activity?.SetTag("medcom.message.id", messageId.ToString());
        return activity;
    }

    public static Activity? StartForMessage(string name, string? messageId, ActivityKind kind = ActivityKind.Internal) =>
        Guid.TryParse(messageId, out var id) ? StartForMessage(name, id, kind) : null;

    /// <summary>The remote parent every activity of one message shares: trace id = the message id, span id from its first half.</summary>
    public static ActivityContext TraceOf(Guid messageId)
    {
        Span<byte> bytes = stackalloc byte[16];
        messageId.TryWriteBytes(bytes, bigEndian: true, out _);
        return new ActivityContext(ActivityTraceId.CreateFromBytes(bytes), ActivitySpanId.CreateFromBytes(bytes[..8]), ActivityTraceFlags.Recorded, isRemote: true);
    }

    private static KeyValuePair<string, object?>[] Tags(string? mailbox, object kind) =>
        [new("mailbox", mailbox ?? "unknown"), new("message.kind", kind.ToString())];
}

/// <summary>The latest values of the gauges, refreshed by <see cref="TelemetrySampler"/> (gauge callbacks must not query a database).</summary>
public sealed class TelemetryGauges
{
    public long OutboxDepth { get; set; }

    public long ConsentsPending { get; set; }

    public long ConsentsOverdue { get; set; }

    /// <summary>Set by the reconciliation sweep.</summary>
    public long ReconciliationDrift { get; set; }

    public double ReconciliationOldestSeconds { get; set; }
}
