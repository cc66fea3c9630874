using MedComMailbox.Infrastructure.Alerts;
using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Workflow.Retention;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MedComMailbox.IntegrationTests.Operations;

/// <summary>
/// The operations services in a plain generic host, registered as the worker registers them (the worker has no web
/// host): they resolve, start, and the host reports readiness through the status file its container health check reads.
/// </summary>
public sealed class WorkerRoleTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("medcom-worker-role-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_worker_shaped_host_starts_with_health_telemetry_retention_and_alerts_and_writes_its_status_file()
    {
        var statusFile = Path.Combine(_data, "status");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mailbox:DataDirectory"] = _data,
            ["Mailbox:Mailboxes:0:Gln"] = "5790000991006",
            ["Mailbox:Mailboxes:0:SorId"] = "1234561000016001",
            ["Mailbox:Mailboxes:0:Name"] = "Koordinationsudvalget",
            ["Vans:InboundFolder"] = "",
            ["Health:StatusFile"] = statusFile,
            ["Health:StatusInterval"] = "00:00:01",
            ["Alerts:WebhookUrl"] = "http://127.0.0.1:9/hook",
        });
        builder.Services.AddMailboxStorageAndMessaging();
        builder.Services.AddCitizenServices(builder.Configuration);
        builder.Services.AddReferralWorkflow(builder.Configuration);
        builder.Services.AddMailboxBus(builder.Configuration, bus => bus.AddWorkflowConsumers());
        builder.Services.AddMailboxReadinessChecks(builder.Configuration);
        builder.Services.AddMailboxTelemetry(builder.Configuration);
        builder.Services.AddMailboxRetention(builder.Configuration);
        builder.Services.AddMailboxAlerts(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            var hosted = host.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
            Assert.Contains(nameof(RetentionService), hosted);
            Assert.Contains(nameof(FailureWebhookService), hosted);
            Assert.Contains(nameof(TelemetrySampler), hosted);

            await MailboxApp.Eventually(() => File.Exists(statusFile), "the worker's status file");
            Assert.StartsWith("Healthy ", await File.ReadAllTextAsync(statusFile));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
