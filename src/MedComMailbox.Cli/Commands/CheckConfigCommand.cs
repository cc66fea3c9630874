using System.CommandLine;
using System.Text.Json;
using MedComMailbox.Cli.Configuration;
using MedComMailbox.Infrastructure.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace MedComMailbox.Cli.Commands;

/// <summary>
/// <c>check-config &lt;file&gt; [--json] [--environment Production]</c>: validates a municipality's settings file (the one
/// <c>MEDCOMMAILBOX_SETTINGS</c> names) as the service would read it, without starting anything: the application's
/// appsettings.json, then the file, then environment variables (the same <see cref="MailboxSettingsFile"/> code path and
/// order as the web process and the worker), checked by the service's start-up validators and, outside Development,
/// the <see cref="ProductionChecklist"/>. 0 = valid, 1 = invalid, 2 = could not run.
/// </summary>
internal static class CheckConfigCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The settings file (JSON), as MEDCOMMAILBOX_SETTINGS names it." };
        var json = new Option<bool>("--json") { Description = "Print the verdict as JSON." };
        var environmentName = new Option<string?>("--environment")
        {
            Description = "The environment to check for (default: DOTNET_ENVIRONMENT or ASPNETCORE_ENVIRONMENT as the service reads them, else Production).",
        };
        var withEnvironment = new Option<bool>("--with-environment")
        {
            Description = "Kept for old scripts: environment variables are always applied on top of the file, as the service does.",
            Hidden = true,
        };
        var command = new Command("check-config", "Validate a settings file with the rules the service applies at start, without starting it.") { file, json, environmentName, withEnvironment };
        command.SetAction(parseResult => Run(parseResult.GetValue(file)!, parseResult.GetValue(json), output, error, parseResult.GetValue(environmentName)));
        return command;
    }

    internal static int Run(FileInfo file, bool asJson, TextWriter output, TextWriter error, string? environmentName = null)
    {
        if (!file.Exists)
        {
            error.WriteLine($"File not found: {file.FullName}");
            return CliApp.ExitFailure;
        }

        var environment = environmentName
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environments.Production;
        IConfigurationRoot configuration;
        IReadOnlyList<string> fileSections;
        try
        {
            // The host builder the worker uses, with the application's appsettings.json (copied next to the CLI from the
            // web project): the same sources in the same order as the service.
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = [],
                EnvironmentName = environment,
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Configuration.AddMailboxSettingsFile(file.FullName);
            configuration = builder.Configuration;
            fileSections = new ConfigurationBuilder().AddJsonFile(file.FullName, optional: false, reloadOnChange: false).Build()
                .GetChildren().Select(s => s.Key).ToList();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or JsonException or IOException)
        {
            // The JSON reader's message gives line and position; a settings file holds no personal data to leak.
            error.WriteLine($"{file.Name} is not a readable JSON settings file: {e.Message}");
            return CliApp.ExitFailure;
        }

        // Relative paths in the file (DataDirectory, certificates, a persons file) are relative to the working
        // directory the service runs in; the check resolves them the same way, from where it is run.
        var verdict = ConfigurationCheck.Check(configuration, environment, fileSections);
        if (asJson)
        {
            output.WriteLine(JsonSerializer.Serialize(new { file = file.Name, environment, verdict.Valid, verdict.Problems, verdict.Warnings }, JsonOptions));
        }
        else
        {
            output.WriteLine($"{file.Name}: {(verdict.Valid ? "VALID" : "INVALID")}");
            foreach (var problem in verdict.Problems)
            {
                output.WriteLine($"  ERROR {problem}");
            }

            foreach (var warning in verdict.Warnings)
            {
                output.WriteLine($"  WARNING {warning}");
            }
        }

        return verdict.Valid ? CliApp.ExitOk : CliApp.ExitInvalid;
    }
}
