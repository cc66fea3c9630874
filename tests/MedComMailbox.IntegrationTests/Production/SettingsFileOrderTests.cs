using System.Text.Json;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.IntegrationTests.Resilience;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedComMailbox.IntegrationTests.Production;

/// <summary>
/// The municipality's settings file wins over the application's appsettings.json and loses to environment variables,
/// through the real builders the web process (<see cref="WebApplication.CreateBuilder(WebApplicationOptions)"/>) and the
/// worker (<see cref="Host.CreateApplicationBuilder(HostApplicationBuilderSettings)"/>) use, with their own appsettings.json.
/// </summary>
public sealed class SettingsFileOrderTests : IDisposable
{
    /// <summary>A variable nothing else reads, so setting it cannot disturb a test running beside this one.</summary>
    private const string Probe = "MedComOrderProbe__Winner";

    private static readonly string[] FiveGlns = ["5790000992027", "5790000992034", "5790000992041", "5790000992058", "5790000992065"];
    private readonly TempDirectory _folder = new("settings-order");

    public SettingsFileOrderTests() => Environment.SetEnvironmentVariable(Probe, "environment");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(Probe, null);
        _folder.Dispose();
    }

    private string FiveMailboxes()
    {
        var file = Path.Combine(_folder.Path, "kommune.settings.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new
        {
            Mailbox = new
            {
                DataDirectory = Path.Combine(_folder.Path, "kommune-data"),
                Mailboxes = FiveGlns.Select((gln, i) => new { Gln = gln, SorId = $"98765100001600{i}", Name = $"Postkasse {i + 1}" }),
            },
            MedComOrderProbe = new { Winner = "file", FileOnly = "file" },
        }));
        return file;
    }

    private static void AssertFileWins(ConfigurationManager configuration, string expectedDataDirectory)
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddMailboxStorageAndMessaging();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<MailboxOptions>>().Value;

        // All five mailboxes, none of appsettings.json's two examples (a list replaces, it does not merge by position).
        Assert.Equal(FiveGlns, options.Mailboxes.Select(m => m.Gln));
        Assert.Equal(expectedDataDirectory, options.DataDirectory);
        Assert.Equal("environment", configuration["MedComOrderProbe:Winner"]);
        Assert.Equal("file", configuration["MedComOrderProbe:FileOnly"]);
    }

    [Fact]
    public void The_web_process_reads_the_file_above_appsettings_json_and_below_the_environment()
    {
        var file = FiveMailboxes();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = TestPaths.WebContentRoot, EnvironmentName = Environments.Production });
        Assert.Equal("5790000991006", builder.Configuration["Mailbox:Mailboxes:0:Gln"]); // appsettings.json is read

        builder.Configuration.AddMailboxSettingsFile(file);

        AssertFileWins(builder.Configuration, Path.Combine(_folder.Path, "kommune-data"));
    }

    [Fact]
    public void The_worker_reads_the_file_above_appsettings_json_and_below_the_environment()
    {
        var file = FiveMailboxes();
        var workerRoot = Path.Combine(TestPaths.Root, "src", "MedComMailbox.Worker");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = workerRoot, EnvironmentName = Environments.Production, Args = [] });
        Assert.Equal("RabbitMq", builder.Configuration["Bus:Transport"]); // the worker's appsettings.json is read

        builder.Configuration.AddMailboxSettingsFile(file);

        AssertFileWins(builder.Configuration, Path.Combine(_folder.Path, "kommune-data"));
    }

    [Fact]
    public void Without_application_files_the_file_still_goes_below_the_environment()
    {
        var file = FiveMailboxes();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _folder.Path, EnvironmentName = Environments.Production, Args = [] });

        builder.Configuration.AddMailboxSettingsFile(file);

        Assert.Equal("environment", builder.Configuration["MedComOrderProbe:Winner"]);
        Assert.Equal(FiveGlns[4], builder.Configuration["Mailbox:Mailboxes:4:Gln"]);
    }
}
