using System.ComponentModel.DataAnnotations;
using MedComMailbox.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedComMailbox.Infrastructure.Hosting;

/// <summary>The tags that sort the checks: <c>ready</c> gates readiness, <c>external</c> is reported but does not.</summary>
public static class HealthTags
{
    public const string Ready = "ready";
    public const string External = "external";
}

/// <summary>Section <c>Health</c>: the status file that container health checks read (the worker has no HTTP port).</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>When set, the readiness result is written to this file every <see cref="StatusInterval"/> while ready; a stale file means not ready.</summary>
    public string? StatusFile { get; init; }

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Health:StatusInterval must be between 1 second and 10 minutes.")]
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(30);
}

public static class MailboxHealthChecks
{
    public const string HttpClientName = "health";

    /// <summary>
    /// The readiness checks (database, bus, VANS folders writable), the external services (CPR, Digital Post: reachable,
    /// certificate not about to expire) and the status file writer. For the web process and the worker alike; the web
    /// process maps them with <c>MapMailboxHealth()</c>. Registering twice is harmless.
    /// </summary>
    public static IServiceCollection AddMailboxReadinessChecks(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(HealthCheckMarker)))
        {
            return services;
        }

        services.AddSingleton<HealthCheckMarker>();
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateSettings().ValidateOnStart();
        services.TryAddTimeProvider();
        services.AddHttpClient(HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthTags.Ready])
            .AddCheck<BusHealthCheck>("bus", tags: [HealthTags.Ready])
            .AddCheck<VansFoldersHealthCheck>("vans-folders", tags: [HealthTags.Ready])
            .Add(new HealthCheckRegistration("cpr", sp => ExternalServiceHealthCheck.Cpr(sp), HealthStatus.Unhealthy, [HealthTags.External]))
            .Add(new HealthCheckRegistration("digitalpost", sp => ExternalServiceHealthCheck.DigitalPost(sp), HealthStatus.Unhealthy, [HealthTags.External]));
        services.AddHostedService<HealthStatusFile>();
        return services;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    private sealed class HealthCheckMarker;
}
