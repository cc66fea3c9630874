using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Hosting;

/// <summary>
/// Writes the readiness verdict to <c>Health:StatusFile</c> while the process is ready, for container health checks
/// that cannot make HTTP calls (the worker) or should not need curl in the image (both roles).
/// </summary>
internal sealed partial class HealthStatusFile(IOptions<HealthOptions> options, HealthCheckService health, TimeProvider time, ILogger<HealthStatusFile> logger)
    : PeriodicBackgroundService(time)
{
    private string _file = "";

    protected override TimeSpan Interval => options.Value.StatusInterval;

    protected override bool RunsAtStart => true;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.StatusFile))
        {
            return Task.CompletedTask;
        }

        _file = Path.GetFullPath(options.Value.StatusFile);
        return base.ExecuteAsync(stoppingToken);
    }

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains(HealthTags.Ready), cancellationToken);
        if (report.Status != HealthStatus.Unhealthy)
        {
            await File.WriteAllTextAsync(_file, $"{report.Status} {Time.GetUtcNow():O}\n", cancellationToken);
        }
        else
        {
            LogNotReady(logger, string.Join(", ", report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => e.Key)));
        }
    }

    // Only a file that cannot be written is carried over to the next tick; anything else ends the service, as before.
    protected override bool CarriesOnAfter(Exception exception, CancellationToken stoppingToken) => exception is IOException or UnauthorizedAccessException;

    protected override void LogFailed(Exception exception) => LogNotWritten(logger, exception.GetType().Name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not ready: {Checks} unhealthy")]
    private static partial void LogNotReady(ILogger logger, string checks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The health status file could not be written ({ExceptionType})")]
    private static partial void LogNotWritten(ILogger logger, string exceptionType);
}
