using System.Text.RegularExpressions;
using MedComMailbox.Infrastructure.Alerts;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Workflow.Retention;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.Web;
using MedComMailbox.Web.Features.Health;
using MedComMailbox.Workflow;
using MedComMailbox.Workflow.Inbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Cli.Configuration;

/// <summary>The verdict on a settings file: problems stop the start; warnings do not.</summary>
internal sealed record ConfigurationVerdict(IReadOnlyList<string> Problems, IReadOnlyList<string> Warnings)
{
    public bool Valid => Problems.Count == 0;
}

/// <summary>
/// Validates settings with the very validators the service runs at start: it registers the services as the web
/// process does (its <c>AddXxx()</c> methods, which register the options with <c>ValidateOnStart</c>) and asks the
/// host's <see cref="IStartupValidator"/>, without building or starting anything else. No rule lives here.
/// </summary>
internal static partial class ConfigurationCheck
{
    /// <summary>Sections the service reads; anything else at the top level is most likely a typing error.</summary>
    private static readonly HashSet<string> KnownSections = new(StringComparer.OrdinalIgnoreCase)
    {
        "Mailbox", "Storage", "Bus", "Vans", "Workflow", "CprLookup", "DigitalPost", "Auth", "Audit", "Health", "Telemetry", "Retention", "Alerts",
        "Intake", "DataProtection", "ForwardedHeaders", "Benchmark", "Quarantine",
        "Logging", "AllowedHosts", "Urls", "Kestrel", "ConnectionStrings",
    };

    /// <summary>What the web process registers (the worker registers a subset of it): the same method Program.cs calls.</summary>
    public static void RegisterAsTheService(IServiceCollection services, IConfiguration configuration) =>
        services.AddMailboxWebProcess(configuration);

    /// <param name="configuration">Everything the service would read (application files, the settings file, environment).</param>
    /// <param name="environmentName">Development skips the production checklist, as the service does.</param>
    /// <param name="fileSections">The settings file's own top-level keys: only they are checked for typing errors, not PATH or HOME.</param>
    public static ConfigurationVerdict Check(IConfigurationRoot configuration, string environmentName, IEnumerable<string> fileSections)
    {
        // The checklist first, in its own order: these are the sentences the web process and the worker print when they refuse.
        var problems = ProductionChecklist.Missing(configuration, environmentName).ToList();
        var warnings = fileSections
            .Where(s => !KnownSections.Contains(s))
            .Select(s => $"{s} is not a section the mailbox reads (known: {string.Join(", ", KnownSections.Order(StringComparer.Ordinal))}).")
            .ToList();

        // A value that cannot even be converted (a meeting time "8.30", an unknown enum) stops binding at the first
        // one; it is reported, blanked and the check repeated, so one run names every problem.
        for (var pass = 0; pass < 100; pass++)
        {
            string? unreadable;
            try
            {
                var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
                RegisterAsTheService(services, configuration);
                using var provider = services.BuildServiceProvider();
                provider.GetRequiredService<IStartupValidator>().Validate();
                return new ConfigurationVerdict(problems, warnings);
            }
            catch (OptionsValidationException e) when (e.OptionsName is { } key && configuration[key] is not null && e.Failures.Any(f => f.StartsWith(key, StringComparison.Ordinal)))
            {
                // Thrown while registering (CprLookup:Mode, DigitalPost:Mode): the options name is the setting.
                problems.AddRange(e.Failures);
                unreadable = key;
            }
            catch (OptionsValidationException e)
            {
                problems.AddRange(e.Failures);
                return new ConfigurationVerdict(problems.Distinct().ToList(), warnings);
            }
            catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
            {
                problems.AddRange(e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(i => i.Failures));
                return new ConfigurationVerdict(problems.Distinct().ToList(), warnings);
            }
            catch (InvalidOperationException e) when (Unconvertible(e) is { } failure)
            {
                unreadable = failure.Path;
                problems.Add($"{failure.Path} '{configuration[failure.Path]}' cannot be read as {failure.Type}{Example(failure.Type)}.");
            }

            configuration[unreadable] = null;
        }

        return new ConfigurationVerdict(problems, warnings);
    }

    private static (string Path, string Type)? Unconvertible(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (ConversionFailure().Match(current.Message) is { Success: true } match)
            {
                var type = match.Groups["type"].Value;
                return (match.Groups["path"].Value, type[(type.LastIndexOf('.') + 1)..]);
            }
        }

        return null;
    }

    private static string Example(string type) => type switch
    {
        "TimeOnly" => " (a time of day such as 08:30)",
        "TimeSpan" => " (a duration such as 14.00:00:00 for 14 days or 00:30:00 for 30 minutes)",
        "DateOnly" => " (a date such as 2026-12-23)",
        "DayOfWeek" => " (Monday … Friday)",
        "Uri" => " (an absolute address)",
        "Int32" or "Int64" => " (a whole number)",
        "Boolean" => " (true or false)",
        _ => "",
    };

    [GeneratedRegex("Failed to convert configuration value (?:'[^']*' )?at '(?<path>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();
}
