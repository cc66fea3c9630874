using System.Diagnostics.Metrics;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.Infrastructure.Tests.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MedComMailbox.Infrastructure.Tests.Telemetry;

public sealed class TelemetryRegistrationTests
{
    private static ServiceProvider Provider(string? endpoint)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Telemetry:OtlpEndpoint"] = endpoint }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging();
        services.AddMailboxTelemetry(config);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Without_an_endpoint_nothing_is_exported_but_the_meters_exist()
    {
        using var provider = Provider(null);

        Assert.Null(provider.GetService<TracerProvider>());
        Assert.Null(provider.GetService<MeterProvider>());
        Assert.NotNull(provider.GetRequiredService<MailboxTelemetry>());
    }

    [Fact]
    public void With_an_endpoint_traces_and_metrics_are_exported()
    {
        using var provider = Provider("http://localhost:4317");

        Assert.NotNull(provider.GetService<TracerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("otel-collector:4317")]
    [InlineData("grpc://otel-collector:4317")]
    public void An_endpoint_that_is_not_an_http_address_is_named(string endpoint) =>
        Assert.Contains($"Telemetry:OtlpEndpoint '{endpoint}' must be an absolute http(s) address of an OTLP collector, or empty for no export.",
            StartupValidation.Failures(StartupValidation.Valid(("Telemetry:OtlpEndpoint", endpoint)), (s, c) => s.AddMailboxTelemetry(c)));

    [Fact]
    public void Letters_and_consumer_errors_are_counted_by_kind()
    {
        using var provider = Provider(null);
        var telemetry = provider.GetRequiredService<MailboxTelemetry>();
        var counted = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Scope == provider.GetRequiredService<IMeterFactory>())
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => counted[$"{i.Name}:{tags[0].Value}"] = counted.GetValueOrDefault($"{i.Name}:{tags[0].Value}") + v);
        listener.Start();

        telemetry.LetterSent("ConsentRequest");
        telemetry.LetterSent("ConsentRequest");
        telemetry.LetterFailed("Decision");
        telemetry.ConsumerFailed("MedComMessageReceived");

        Assert.Equal(2, counted["medcom.letters.sent:ConsentRequest"]);
        Assert.Equal(1, counted["medcom.letters.failed:Decision"]);
        Assert.Equal(1, counted["medcom.consumer.errors:MedComMessageReceived"]);
    }

    [Fact]
    public void The_trace_id_of_a_message_is_its_id()
    {
        var id = Guid.NewGuid();
        Assert.Equal(id.ToString("N"), MailboxTelemetry.TraceOf(id).TraceId.ToHexString());
        Assert.Equal(MailboxTelemetry.TraceOf(id), MailboxTelemetry.TraceOf(id));
    }
}
