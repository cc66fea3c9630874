using System.Net;
using System.Text.Json;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Tests.DigitalPost;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MedComMailbox.Web.Features.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Operations;

/// <summary>
/// The web host with the mailbox's health checks, whether or not Program.cs maps them yet: the probes are served by
/// the same options <see cref="HealthApi.MapMailboxHealth"/> maps, in front of the app's own pipeline.
/// </summary>
internal sealed class HealthApp(IDictionary<string, string?>? settings = null) : MailboxApp(WithoutProfileWarmUp(settings), services =>
{
    services.AddMailboxHealthChecks(new ConfigurationBuilder().Build());
    services.AddSingleton<IStartupFilter, ProbeFilter>();
})
{
    /// <summary>
    /// The health checks' budgets are seconds (the external probe's HTTP timeout is 5 s). The profile validator's
    /// warm-up at start, now about 4 s of CPU on the loaded 2-core CI machine (ADR 0017), still starves a probe of that
    /// budget there (External_services_are_reported_when_they_answer answered 503 with it on), and it is not what these
    /// tests are about. The process tests (MailboxProcess) run with it on; profile validation itself is tested in
    /// MedCom.Tests and the intake tests.
    /// </summary>
    private static Dictionary<string, string?> WithoutProfileWarmUp(IDictionary<string, string?>? settings) =>
        new(settings ?? new Dictionary<string, string?>()) { ["Mailbox:ValidateProfiles"] = "false" };

    private sealed class ProbeFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            foreach (var (path, options) in HealthApi.Probes)
            {
                app.UseHealthChecks(path, options);
            }

            next(app);
        };
    }
}

public sealed class HealthTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> Get(MailboxApp app, string path)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static Dictionary<string, string> Checks(JsonElement body) =>
        body.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!);

    [Fact]
    public async Task Live_answers_without_checking_anything()
    {
        using var app = new HealthApp();

        var (status, body) = await Get(app, "/health/live");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Empty(Checks(body));
    }

    [Fact]
    public async Task Ready_checks_the_database_the_bus_and_the_folders()
    {
        using var app = new HealthApp();
        using (var client = app.CreateClient())
        {
            // The bus starts with the host; readiness is what tells an orchestrator when it has.
            await MailboxApp.Eventually(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "ready");
        }

        var (status, body) = await Get(app, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, status);
        var checks = Checks(body);
        Assert.Equal("Healthy", checks["database"]);
        Assert.Equal("Healthy", checks["bus"]);
        Assert.Equal("Healthy", checks["vans-folders"]);
        Assert.DoesNotContain("cpr", checks.Keys);
        Assert.DoesNotContain("digitalpost", checks.Keys);
    }

    [Fact]
    public async Task An_outbound_folder_that_cannot_be_written_makes_the_process_not_ready()
    {
        var blocker = Path.GetTempFileName();
        try
        {
            // A file where the folder should be: nothing can be written below it.
            using var app = new HealthApp(new Dictionary<string, string?> { ["Vans:OutboundFolder"] = Path.Combine(blocker, "outbound") });

            var (status, body) = await Get(app, "/health/ready");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
            var folders = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "vans-folders");
            Assert.Equal("Unhealthy", folders.GetProperty("status").GetString());
            Assert.Equal("not writable", folders.GetProperty("data").GetProperty("outbound").GetString());
            Assert.Empty(Directory.GetFiles(app.DataDirectory, ".medcom-health-*", SearchOption.AllDirectories));
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    private static Dictionary<string, string?> DigitalPostAt(Uri address) => new()
    {
        ["DigitalPost:Mode"] = "Serviceplatformen",
        ["DigitalPost:ServiceBaseUrl"] = address.ToString(),
        ["DigitalPost:TokenServiceBaseUrl"] = address.ToString(),
        ["DigitalPost:Cvr"] = "29189129",
        ["DigitalPost:SenderLabel"] = "Eksempel Kommune",
    };

    [Fact]
    public async Task External_services_are_reported_when_they_answer()
    {
        using var digitalPost = new DigitalPostFake();
        using var app = new HealthApp(DigitalPostAt(digitalPost.BaseUrl));

        var (status, body) = await Get(app, "/health/external");

        Assert.Equal(HttpStatusCode.OK, status);
        var checks = Checks(body);
        Assert.Equal("Healthy", checks["digitalpost"]);
        Assert.Equal("Healthy", checks["cpr"]);
        Assert.Contains("Udviklingstilstand", body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "cpr").GetProperty("description").GetString());
    }

    [Fact]
    public async Task An_external_service_that_cannot_be_reached_does_not_gate_readiness()
    {
        // Port 9 (discard) on the loopback interface: nothing listens, the connection is refused at once.
        using var app = new HealthApp(DigitalPostAt(new Uri("http://127.0.0.1:9/")));

        var (status, body) = await Get(app, "/health/external");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", Checks(body)["digitalpost"]);

        using var client = app.CreateClient();
        await MailboxApp.Eventually(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "ready while Digital Post is down");
    }

    [Fact]
    public async Task The_status_file_is_written_while_ready()
    {
        var file = Path.Combine(Path.GetTempPath(), $"medcom-health-{Guid.NewGuid():N}.status");
        try
        {
            using var app = new HealthApp(new Dictionary<string, string?> { ["Health:StatusFile"] = file, ["Health:StatusInterval"] = "00:00:01" });
            using var client = app.CreateClient();

            await MailboxApp.Eventually(() => File.Exists(file), "the status file");
            Assert.StartsWith("Healthy ", await File.ReadAllTextAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_database_that_does_not_answer_is_unhealthy_without_its_connection_details()
    {
        var check = new DatabaseHealthCheck(new MailboxDatabase(SqlDialect.Create(StorageProvider.Sqlite, "Data Source=/nonexistent/medcom/secret-server.db;Mode=ReadWrite")));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.DoesNotContain("secret-server", result.Description);
        Assert.Null(result.Exception);
    }
}
