using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Operations;

/// <summary>The mailbox's meters move with real traffic, and one message's activities share one trace.</summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly MailboxApp _app = new(new Dictionary<string, string?> { ["Workflow:SweepInterval"] = "00:00:00.200" });
    private readonly ConcurrentDictionary<(string Instrument, string Tags), double> _measured = new();
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _traces;

    public TelemetryTests()
    {
        // Only this host's meters: the factory scopes them, so parallel tests do not count into each other.
        var factory = _app.Services.GetRequiredService<IMeterFactory>();
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MailboxTelemetry.Name && instrument.Meter.Scope == factory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((i, value, tags, _) => Add(i, value, tags));
        _meters.SetMeasurementEventCallback<double>((i, value, tags, _) => Add(i, value, tags));
        _meters.Start();

        _traces = new ActivityListener
        {
            ShouldListenTo = source => source.Name is MailboxTelemetry.Name or "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_traces);
    }

    public void Dispose()
    {
        _traces.Dispose();
        _meters.Dispose();
        _app.Dispose();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = string.Join(",", tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
        _measured.AddOrUpdate((instrument.Name, key), value, (_, total) => total + value);
        _measured.AddOrUpdate((instrument.Name, "*"), value, (_, total) => total + value);
    }

    private double Measured(string instrument, string tags = "*") => _measured.GetValueOrDefault((instrument, tags));

    [Fact]
    public async Task Received_duplicated_and_rejected_messages_and_acknowledgements_are_counted_per_mailbox()
    {
        var (referral, _) = Samples.FreshReferral();

        Assert.Equal(HttpStatusCode.Accepted, (await _app.PostAsync("/api/intake", referral, "application/fhir+json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.PostAsync("/api/intake", referral, "application/fhir+json")).StatusCode);
        (await _app.PostAsync("/api/intake", Samples.Read("invalid/category-unknown.json"), "application/fhir+json")).Dispose();

        Assert.Equal(1, Measured("medcom.messages.received", "mailbox=5790000991006,message.kind=CareCommunication"));
        Assert.Equal(1, Measured("medcom.messages.duplicated", "mailbox=5790000991006,message.kind=CareCommunication"));
        Assert.Equal(1, Measured("medcom.messages.rejected"));
        // Two acknowledgements for the referral (first time and the duplicate's), one negative for the rejected message.
        await MailboxApp.Eventually(() => _measured.ContainsKey(("medcom.acknowledgement.latency", "message.kind=Acknowledgement")), "acknowledgement latency recorded");
        await MailboxApp.Eventually(() => Measured("medcom.letters.sent", "letter.kind=ConsentRequest") >= 2, "two consent requests sent (two custody holders)");
    }

    [Fact]
    public async Task The_gauges_report_outbox_depth_and_consents_pending()
    {
        var (referral, _) = Samples.FreshReferral();
        (await _app.PostAsync("/api/intake", referral, "application/fhir+json")).Dispose();
        // The sampler as AddMailboxTelemetry registers it, driven by the test instead of its timer.
        var sampler = ActivatorUtilities.CreateInstance<TelemetrySampler>(_app.Services);
        var gauges = _app.Services.GetRequiredService<TelemetryGauges>();

        await MailboxApp.Eventually(async () =>
        {
            await sampler.SampleAsync(CancellationToken.None);
            return gauges.ConsentsPending == 1;
        }, "one case awaiting consent");

        _meters.RecordObservableInstruments();
        Assert.Equal(1, Measured("medcom.consents.pending"));
        Assert.Equal(0, Measured("medcom.consents.overdue"));
        Assert.True(_measured.ContainsKey(("medcom.outbox.depth", "*")));
    }

    [Fact]
    public async Task One_trace_follows_a_message_from_intake_over_the_bus_to_triage_and_the_letters()
    {
        var (referral, _) = Samples.FreshReferral();
        using var response = await _app.PostAsync("/api/intake", referral, "application/fhir+json");
        var messageId = Guid.Parse(Samples.Json(await response.Content.ReadAsStringAsync()).GetProperty("messageId").GetString()!);
        var trace = MailboxTelemetry.TraceOf(messageId).TraceId;
        Assert.Equal(messageId.ToString("N"), trace.ToHexString());

        await MailboxApp.Eventually(() => _activities.Count(a => a.TraceId == trace && a.OperationName == "medcom.letter.send") >= 2, "the consent letters in the message's trace");

        var inTrace = _activities.Where(a => a.TraceId == trace).ToList();
        Assert.Contains(inTrace, a => a.OperationName == "medcom.intake" && a.Source.Name == MailboxTelemetry.Name);
        Assert.Contains(inTrace, a => a.OperationName == "medcom.outbox.publish");
        // MassTransit carried the trace over the bus into the triage consumer.
        Assert.Contains(inTrace, a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Consumer);
        Assert.DoesNotContain(inTrace, a => a.TagObjects.Any(t => t.Value?.ToString()?.Contains("1201149996", StringComparison.Ordinal) == true));
    }
}
