using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace MedComMailbox.Infrastructure.Hosting;

/// <summary>
/// The municipality's own settings file (the path in <c>MEDCOMMAILBOX_SETTINGS</c>). The web process, the worker and
/// <c>medcom check-config</c> all add it here, so all three read the same sources in the same order:
/// the application's appsettings*.json files, then the municipality's file, then environment variables and the command
/// line. The file therefore wins over the application's own files, and a secret in an environment variable wins over it.
/// </summary>
public static class MailboxSettingsFile
{
    public const string Variable = "MEDCOMMAILBOX_SETTINGS";

    /// <summary>Adds the file named by <c>MEDCOMMAILBOX_SETTINGS</c>, if set.</summary>
    public static IConfigurationManager AddMailboxSettingsFile(this IConfigurationManager configuration) =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? configuration.AddMailboxSettingsFile(path) : configuration;

    /// <summary>
    /// Adds <paramref name="path"/> right after the last of the application's appsettings*.json files (so above them and
    /// below the unprefixed environment variables and the command line that follow them). Without application files it
    /// goes before the last environment-variable source, else at the end.
    /// </summary>
    public static IConfigurationManager AddMailboxSettingsFile(this IConfigurationManager configuration, string path)
    {
        var sources = configuration.Sources;
        var file = new MunicipalitySettingsSource { Path = Path.GetFullPath(path), Optional = false, ReloadOnChange = false };
        file.ResolveFileProvider();

        var list = sources.ToList();
        var lastAppFile = list.FindLastIndex(IsApplicationFile);
        var index = lastAppFile >= 0 ? lastAppFile + 1 : list.FindLastIndex(s => s is EnvironmentVariablesConfigurationSource);
        if (index >= 0 && index <= sources.Count)
        {
            sources.Insert(index, file);
        }
        else
        {
            sources.Add(file);
        }

        return configuration;
    }

    /// <summary>The application's own appsettings.json / appsettings.{Environment}.json (relative to the content root).</summary>
    public static bool IsApplicationFile(IConfigurationSource source) =>
        source is FileConfigurationSource { Path: { } path } and not MunicipalitySettingsSource
        && Path.GetFileName(path).StartsWith("appsettings", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The municipality's settings file as a source of its own type, so it is never mistaken for an application file.</summary>
public sealed class MunicipalitySettingsSource : JsonConfigurationSource;
