using Microsoft.Extensions.Configuration;

namespace MedComMailbox.Infrastructure.Configuration;

/// <summary>
/// .NET configuration merges lists by position: a municipality's settings file with one mailbox on top of
/// appsettings.json's two example mailboxes would still answer for the second example location number. So once a
/// source above the application's own appsettings*.json files (the municipality's settings file, environment
/// variables, the command line) names a mailbox's location number, the mailbox list comes from those sources alone;
/// among them the usual merge applies (an environment variable may still override one field of an entry).
/// </summary>
public static class ListsReplace
{
    /// <summary>The list's section without the application's example files, or null when no higher source names an entry.</summary>
    public static IConfiguration? AboveTheApplicationFiles(IConfiguration configuration, string path)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return null;
        }

        var providers = root.Providers.ToList();
        var lastAppFile = providers.FindLastIndex(p => p is FileConfigurationProvider f && Hosting.MailboxSettingsFile.IsApplicationFile(f.Source));
        if (lastAppFile < 0)
        {
            return null;
        }

        var above = providers.Skip(lastAppFile + 1).ToList();
        var namesAnEntry = above.Any(p => p.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase)
            .Any(index => p.TryGet($"{path}:{index}:Gln", out var gln) && !string.IsNullOrEmpty(gln)));
        return namesAnEntry ? new ConfigurationRoot(above.Select(p => (IConfigurationProvider)new LoadedProvider(p)).ToList()).GetSection(path) : null;
    }

    /// <summary>An already loaded provider, so a configuration root can be built over some of them without loading them again.</summary>
    private sealed class LoadedProvider(IConfigurationProvider inner) : IConfigurationProvider
    {
        public bool TryGet(string key, out string? value) => inner.TryGet(key, out value);

        public void Set(string key, string? value) => inner.Set(key, value);

        public Microsoft.Extensions.Primitives.IChangeToken GetReloadToken() => inner.GetReloadToken();

        public void Load()
        {
        }

        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) => inner.GetChildKeys(earlierKeys, parentPath);
    }
}
