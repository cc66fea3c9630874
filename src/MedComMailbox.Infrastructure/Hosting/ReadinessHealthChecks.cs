using Dapper;
using MassTransit;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Vans;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedComMailbox.Infrastructure.Hosting;

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
