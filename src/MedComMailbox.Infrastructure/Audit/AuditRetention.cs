using System.ComponentModel.DataAnnotations;
using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Audit;

/// <summary>How long the audit log keeps its entries (configuration section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Entries older than this many months are deleted (default 13: a year plus the month a request for insight may take).</summary>
    [Range(1, 1200, ErrorMessage = "Audit:RetentionMonths must be between 1 and 1200 months.")]
    public int RetentionMonths { get; set; } = 13;

    /// <summary>How often the sweep runs (default once a day).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Audit:SweepInterval must be between one second and seven days.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>
/// Deletes audit entries older than <see cref="AuditOptions.RetentionMonths"/>: once at start, then every
/// <see cref="AuditOptions.SweepInterval"/> on the <see cref="TimeProvider"/>'s clock. It logs only how many entries went.
/// Several processes may sweep at once: a delete of rows already deleted deletes nothing.
/// </summary>
public sealed partial class AuditRetention(AuditLog audit, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRetention> logger)
    : PeriodicBackgroundService(time)
{
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override bool RunsAtStart => true;

    /// <summary>One sweep: deletes what is older than the retention period now; returns how many entries.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = Time.GetUtcNow().AddMonths(-options.Value.RetentionMonths);
        var deleted = await audit.DeleteOlderThanAsync(cutoff, cancellationToken);
        if (deleted > 0)
        {
            LogDeleted(logger, deleted, options.Value.RetentionMonths);
        }

        return deleted;
    }

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    // The next sweep deletes what this one missed; a failure must not stop the host (the base class's rule).
    protected override void LogFailed(Exception exception) => LogFailed(logger, exception.GetType().FullName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit retention deleted {Count} entries older than {Months} months")]
    private static partial void LogDeleted(ILogger logger, int count, int months);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit retention sweep failed ({ExceptionType}); it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, string? exceptionType);
}

public static class AuditRegistration
{
    /// <summary>
    /// Audit log retention: the <c>Audit</c> options (validated at start) everywhere, and the daily sweep where the
    /// consumers run (<c>Bus:RunConsumers</c>), so exactly the processes that do background work delete old entries.
    /// </summary>
    public static IServiceCollection AddAuditRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        var runConsumers = BusOptions.RunsConsumers(configuration);
        if (runConsumers)
        {
            services.AddSingleton<AuditRetention>();
            services.AddHostedService(sp => sp.GetRequiredService<AuditRetention>());
        }

        return services;
    }
}
