using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dapper;
using MassTransit;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Vans;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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

/// <summary>The database answers a trivial query.</summary>
public sealed class DatabaseHealthCheck(MailboxDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
            return HealthCheckResult.Healthy($"{database.Dialect.Provider} svarer.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The type only: a driver's message can carry the connection string's server and user.
            return HealthCheckResult.Unhealthy($"{database.Dialect.Provider} svarer ikke ({e.GetType().Name}).");
        }
    }
}

/// <summary>The bus is started and its endpoints are ready (RabbitMQ connected).</summary>
public sealed class BusHealthCheck(IBusControl bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = bus.CheckHealth();
        return Task.FromResult(health.Status switch
        {
            BusHealthStatus.Healthy => HealthCheckResult.Healthy("Beskedbussen er forbundet."),
            BusHealthStatus.Degraded => HealthCheckResult.Degraded("Beskedbussen er forbundet, men et endepunkt er ikke klar."),
            _ => HealthCheckResult.Unhealthy("Beskedbussen er ikke forbundet."),
        });
    }
}

/// <summary>
/// The folders the VANS provider shares with us can be written: an acknowledgement that cannot be written is a message
/// the sender will resend. The probe file is hidden (dot name) and deleted on close, so the provider's client does not send it.
/// </summary>
public sealed class VansFoldersHealthCheck(VansPaths paths) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var folders = new List<(string Role, string Path)>();
        if (paths.Outbound is { } outbound)
        {
            folders.Add(("outbound", outbound));
        }

        if (paths.Inbound is { } inbound)
        {
            folders.Add(("inbound", inbound));
            folders.Add(("archive", paths.Archive));
            folders.Add(("rejected", paths.Rejected));
        }

        var failed = new List<string>();
        foreach (var (role, path) in folders)
        {
            try
            {
                Directory.CreateDirectory(path);
                using var probe = new FileStream(Path.Combine(path, $".medcom-health-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
                probe.WriteByte(0);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add(role);
            }
        }

        var data = folders.ToDictionary(f => f.Role, f => (object)(failed.Contains(f.Role) ? "not writable" : "writable"));
        return Task.FromResult(failed.Count == 0
            ? HealthCheckResult.Healthy($"Der kan skrives i alle {folders.Count} mapper.", data)
            : HealthCheckResult.Unhealthy($"Der kan ikke skrives i: {string.Join(", ", failed)}.", data: data));
    }
}

/// <summary>
/// A Serviceplatformen service (SF1520 CPR, SF1601 Digital Post): its address answers at all (any HTTP status), and the
/// client certificate is not expired or within 30 days of expiry. Tagged external: a national service being down
/// delays letters (they are retried) but must not take the mailbox out of rotation.
/// </summary>
public sealed class ExternalServiceHealthCheck(string modeKey, Uri? address, string? certificatePath, string? certificatePassword, IHttpClientFactory http, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan RenewalWarning = TimeSpan.FromDays(30);

    public static ExternalServiceHealthCheck Cpr(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IConfiguration>().GetSection(CprLookupOptions.Section).Get<CprLookupOptions>() ?? new CprLookupOptions();
        return Create(sp, CitizenServicesRegistration.CprModeKey, o.ServiceUrl, o.CertificatePath, o.CertificatePassword);
    }

    public static ExternalServiceHealthCheck DigitalPost(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IConfiguration>().GetSection(DigitalPostOptions.Section).Get<DigitalPostOptions>() ?? new DigitalPostOptions();
        return Create(sp, CitizenServicesRegistration.DigitalPostModeKey, o.ServiceBaseUrl, o.CertificatePath, o.CertificatePassword);
    }

    private static ExternalServiceHealthCheck Create(IServiceProvider sp, string modeKey, Uri? address, string? path, string? password)
    {
        var serviceplatform = string.Equals(sp.GetRequiredService<IConfiguration>()[modeKey]?.Trim(), nameof(CitizenServiceMode.Serviceplatformen), StringComparison.OrdinalIgnoreCase);
        return new ExternalServiceHealthCheck(modeKey, serviceplatform ? address : null, path, password, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>());
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (address is null)
        {
            return HealthCheckResult.Healthy("Udviklingstilstand: den indbyggede erstatning for tjenesten bruges, så der er intet at kontakte.", new Dictionary<string, object> { ["setting"] = modeKey });
        }

        var data = new Dictionary<string, object> { ["address"] = address.GetLeftPart(UriPartial.Authority) };
        if (Certificate(data) is { } certificateProblem)
        {
            return certificateProblem;
        }

        try
        {
            using var response = await http.CreateClient(MailboxHealthChecks.HttpClientName).GetAsync(address, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            data["httpStatus"] = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{address.Host} kan ikke nås ({e.GetType().Name}); breve og opslag venter og prøves igen.", data: data);
        }

        return data.TryGetValue("certificateExpiresInDays", out var days) && (int)days < RenewalWarning.TotalDays
            ? HealthCheckResult.Degraded($"{address.Host} svarer, men certifikatet udløber om {days} dage: forny det (docs/operations.da.md).", data: data)
            : HealthCheckResult.Healthy($"{address.Host} svarer.", data);
    }

    private HealthCheckResult? Certificate(Dictionary<string, object> data)
    {
        if (string.IsNullOrEmpty(certificatePath))
        {
            return null;
        }

        try
        {
            using var certificate = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, certificatePassword);
            var left = certificate.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime;
            data["certificateExpiresInDays"] = (int)Math.Floor(left.TotalDays);
            return left <= TimeSpan.Zero ? HealthCheckResult.Unhealthy("Klientcertifikatet er udløbet: forny det (docs/operations.da.md).", data: data) : null;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"Klientcertifikatet kan ikke læses ({e.GetType().Name}).", data: data);
        }
    }
}

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
