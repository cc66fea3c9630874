using System.CommandLine;
using System.Text.Json;
using MedComMailbox.Cli.Configuration;
using Microsoft.Extensions.Configuration;

namespace MedComMailbox.Cli.Commands;

/// <summary>
/// <c>check-config &lt;file&gt; [--json]</c>: validates a municipality's settings file (the one <c>MEDCOMMAILBOX_SETTINGS</c>
/// names) with the validators the service runs at start, without starting anything. 0 = valid, 1 = invalid, 2 = could not run.
/// </summary>
internal static class CheckConfigCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The settings file (JSON), as MEDCOMMAILBOX_SETTINGS names it." };
        var json = new Option<bool>("--json") { Description = "Print the verdict as JSON." };
        var environment = new Option<bool>("--with-environment")
        {
            Description = "Also apply environment variables on top of the file (Storage__ConnectionString …), as the service does: run it where the service runs.",
        };
        var command = new Command("check-config", "Validate a settings file with the rules the service applies at start, without starting it.") { file, json, environment };
        command.SetAction(parseResult => Run(parseResult.GetValue(file)!, parseResult.GetValue(json), output, error, parseResult.GetValue(environment)));
        return command;
    }

    internal static int Run(FileInfo file, bool asJson, TextWriter output, TextWriter error, bool withEnvironment = false)
    {
        if (!file.Exists)
        {
            error.WriteLine($"File not found: {file.FullName}");
            return CliApp.ExitFailure;
        }

        IConfigurationRoot configuration;
        try
        {
            var builder = new ConfigurationBuilder().AddJsonFile(file.FullName, optional: false, reloadOnChange: false);
            if (withEnvironment)
            {
                builder.AddEnvironmentVariables();
            }

            configuration = builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or JsonException or IOException)
        {
            // The JSON reader's message gives line and position; a settings file holds no personal data to leak.
            error.WriteLine($"{file.Name} is not a readable JSON settings file: {e.Message}");
            return CliApp.ExitFailure;
        }

        // Relative paths in the file (DataDirectory, certificates, a persons file) are relative to the working
        // directory the service runs in; the check resolves them the same way, from where it is run.
        var verdict = ConfigurationCheck.Check(configuration);
        if (asJson)
        {
            output.WriteLine(JsonSerializer.Serialize(new { file = file.Name, verdict.Valid, verdict.Problems, verdict.Warnings }, JsonOptions));
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
