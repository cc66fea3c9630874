using Dapper;
using MassTransit;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MedComMailbox.Infrastructure.Telemetry;

/// <summary>Section <c>Telemetry</c>: where OpenTelemetry data goes.</summary>
public sealed class TelemetryOptions : System.ComponentModel.DataAnnotations.IValidatableObject
{
    public const string Section = "Telemetry";

    /// <summary>The OTLP collector (gRPC, e.g. <c>http://otel-collector:4317</c>). Empty: no export (the meters still count, for tests and the operations page).</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>The service name in traces and metrics.</summary>
    public string ServiceName { get; init; } = "medcommailbox";

    /// <summary>How often the gauges (outbox depth, consents pending/overdue) are read from the database.</summary>
    public TimeSpan GaugeInterval { get; init; } = TimeSpan.FromSeconds(30);

    public IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> Validate(System.ComponentModel.DataAnnotations.ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) && (!Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            yield return new($"Telemetry:OtlpEndpoint '{OtlpEndpoint}' must be an absolute http(s) address of an OTLP collector, or empty for no export.");
        }

        if (string.IsNullOrWhiteSpace(ServiceName))
        {
            yield return new("Telemetry:ServiceName is missing.");
        }

        if (GaugeInterval < TimeSpan.FromSeconds(1) || GaugeInterval > TimeSpan.FromHours(1))
        {
            yield return new($"Telemetry:GaugeInterval {GaugeInterval} must be between 1 second and 1 hour.");
        }
    }
}

public static class TelemetryRegistration
{
    /// <summary>The sources MassTransit traces under, so the bus hop stays in the message's trace.</summary>
    private const string MassTransitSource = "MassTransit";

    /// <summary>
    /// <see cref="MailboxTelemetry"/> (always: the instrumented services need it) and, when <c>Telemetry:OtlpEndpoint</c> is
    /// set, OpenTelemetry tracing (ASP.NET Core, HttpClient, MassTransit, the mailbox) and metrics exported over OTLP.
    /// </summary>
    public static IServiceCollection AddMailboxTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMailboxMeters();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateSettings().ValidateOnStart();
        services.AddHostedService<TelemetrySampler>();
        services.AddConsumeObserver<ConsumerErrorObserver>();

        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (string.IsNullOrWhiteSpace(options.OtlpEndpoint) || !Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint))
        {
            return services;
        }

        void Otlp(OtlpExporterOptions o) => o.Endpoint = endpoint;
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithTracing(t => t
                .AddSource(MailboxTelemetry.Name, MassTransitSource)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(Otlp))
            .WithMetrics(m => m
                .AddMeter(MailboxTelemetry.Name, MassTransitSource)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(Otlp));
        return services;
    }

    /// <summary>The meters alone (called by AddMailboxStorageAndMessaging too, so the instrumented services resolve without exporting).</summary>
    public static IServiceCollection AddMailboxMeters(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<TelemetryGauges>();
        services.TryAddSingleton<MailboxTelemetry>();
        return services;
    }
}

/// <summary>Counts consumer failures (each try; MassTransit's retry may still succeed).</summary>
internal sealed class ConsumerErrorObserver(MailboxTelemetry telemetry) : IConsumeObserver
{
    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        telemetry.ConsumerFailed(typeof(T).Name);
        return Task.CompletedTask;
    }
}

/// <summary>Reads the gauges' values from the database now and then; counts only.</summary>
public sealed partial class TelemetrySampler(MessageStore store, IConsentCounts cases, TelemetryGauges gauges, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<TelemetrySampler> logger)
    : PeriodicBackgroundService(time)
{
    protected override TimeSpan Interval => options.Value.GaugeInterval;

    protected override bool RunsAtStart => true;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SampleAsync(cancellationToken);

    // The database is busy or gone for a moment; a failure here must never stop the process.
    protected override void LogFailed(Exception exception) => LogSampleFailed(logger, exception.GetType().Name);

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        gauges.OutboxDepth = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL");
        var consents = await cases.ConsentsAsync(Time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        gauges.ConsentsPending = consents.Pending;
        gauges.ConsentsOverdue = consents.Overdue;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The telemetry gauges could not be read ({ExceptionType})")]
    private static partial void LogSampleFailed(ILogger logger, string exceptionType);
}
