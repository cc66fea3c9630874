using System.Collections.Frozen;
using System.Formats.Tar;
using System.IO.Compression;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;

namespace MedComMailbox.MedCom.Fhir.Profiles;

/// <summary>
/// The conformance resources (StructureDefinition, ValueSet, CodeSystem) of a set of MedCom's published FHIR
/// packages, which the library carries as embedded <c>.tgz</c> files (Fhir/Profiles/Packages), so validation
/// runs offline and without the shared reference folder. One set per implementation guide, because MedCom's
/// guides pin different versions of the same canonicals (messaging 2.1.0 for acknowledgements, 4.0.2 for
/// CareCommunication). Lookups are by canonical URL, with or without <c>|version</c>. The packages' own
/// <c>.index.json</c> says which file holds which canonical, so a resource is parsed only when the validator first
/// asks for it (parsing every resource of the eleven packages cost seconds of CPU at start; a message needs a few dozen).
/// </summary>
public sealed class MedComPackageSource : IResourceResolver, IAsyncResourceResolver
{
    private static readonly HashSet<string> Wanted = ["StructureDefinition", "ValueSet", "CodeSystem"];
    // Before the static sets below: static initialisers run in the order they are written.
    private static readonly System.Text.Json.JsonSerializerOptions IndexJson = new() { PropertyNameCaseInsensitive = true };
    private static readonly FhirJsonDeserializer Parser = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));

    private readonly FrozenDictionary<string, Lazy<Resource?>> _byCanonical;

    internal MedComPackageSource(IReadOnlyList<string> packages)
    {
        Packages = packages;
        var index = new Dictionary<string, Lazy<Resource?>>(StringComparer.Ordinal);
        foreach (var package in packages)
        {
            var (files, entries) = ReadPackage(package);
            foreach (var entry in entries)
            {
                if (entry.Url is null || entry.ResourceType is null || !Wanted.Contains(entry.ResourceType) || entry.Filename is null
                    || !files.TryGetValue(entry.Filename, out var bytes))
                {
                    continue;
                }

                var resource = new Lazy<Resource?>(() => Parse(bytes), LazyThreadSafetyMode.ExecutionAndPublication);
                index.TryAdd(entry.Url, resource);
                if (entry.Version is { } version)
                {
                    index.TryAdd(entry.Url + "|" + version, resource);
                }
            }
        }

        _byCanonical = index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>CareCommunication 5.0.2 and the versions its package manifest depends on.</summary>
    public static MedComPackageSource CareCommunication { get; } = new([
        "medcom.fhir.dk.carecommunication-5.0.2", "medcom.fhir.dk.messaging-4.0.2", "medcom.fhir.dk.core-3.0.1",
        "hl7.fhir.dk.core-3.4.0", "medcom.fhir.dk.terminology-2.0.1", "medcom.fhir.dk.messagedefinitions-1.0.0",
    ]);

    /// <summary>Acknowledgement 2.0.3 and the versions its package manifest depends on.</summary>
    public static MedComPackageSource Acknowledgement { get; } = new([
        "medcom.fhir.dk.acknowledgement-2.0.3", "medcom.fhir.dk.messaging-2.1.0", "medcom.fhir.dk.core-2.0.1",
        "hl7.fhir.dk.core-2.0.0", "medcom.fhir.dk.terminology-1.4.0",
    ]);

    /// <summary>The package names (name-version) in this set, in lookup order.</summary>
    public IReadOnlyList<string> Packages { get; }

    /// <summary>Every conformance resource of the set of one type (each once).</summary>
    public IEnumerable<T> All<T>() where T : Resource => _byCanonical.Values.Distinct().Select(r => r.Value).OfType<T>();

    /// <summary>Whether the set carries this canonical (exactly as asked), without parsing it.</summary>
    internal bool Carries(string canonical) => _byCanonical.ContainsKey(canonical);

    /// <summary>
    /// By canonical; a <c>|version</c> we do not carry falls back to the version we do when major and minor agree
    /// (MedCom's receive test messages name <c>|5.0.1</c>, we carry 5.0.2: patch releases do not change the rules).
    /// </summary>
    public Resource? ResolveByCanonicalUri(string uri)
    {
        if (_byCanonical.TryGetValue(uri, out var exact))
        {
            return exact.Value;
        }

        var bar = uri.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0 || !_byCanonical.TryGetValue(uri[..bar], out var lazy) || lazy.Value is not IVersionableConformanceResource { Version: { } version } carried)
        {
            return null;
        }

        static string MajorMinor(string v) => string.Join('.', v.Split('.').Take(2));
        return MajorMinor(version) == MajorMinor(uri[(bar + 1)..]) ? (Resource)carried : null;
    }

    public Resource? ResolveByUri(string uri) => ResolveByCanonicalUri(uri);

    public System.Threading.Tasks.Task<Resource?> ResolveByCanonicalUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(ResolveByCanonicalUri(uri));

    public System.Threading.Tasks.Task<Resource?> ResolveByUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(ResolveByUri(uri));

    /// <summary>The bytes of the package's top-level JSON files by name, and its <c>.index.json</c> entries.</summary>
    private static (Dictionary<string, byte[]> Files, List<IndexEntry> Index) ReadPackage(string package)
    {
        var name = $"MedComMailbox.MedCom.Fhir.Profiles.Packages.{package}.tgz";
        using var stream = typeof(MedComPackageSource).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded FHIR package '{name}' is missing from the build.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        byte[]? index = null;
        while (tar.GetNextEntry() is { } entry)
        {
            var file = entry.Name.Replace('\\', '/');
            if (entry.DataStream is null || !file.StartsWith("package/", StringComparison.Ordinal) || file.Count(c => c == '/') != 1
                || !file.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }

            var bare = file["package/".Length..];
            if (bare != ".index.json" && !Wanted.Any(type => bare.StartsWith(type + "-", StringComparison.Ordinal)))
            {
                continue;
            }

            using var copy = new MemoryStream();
            entry.DataStream.CopyTo(copy);
            if (bare == ".index.json")
            {
                index = copy.ToArray();
            }
            else
            {
                files[bare] = copy.ToArray();
            }
        }

        var entries = index is null ? null : System.Text.Json.JsonSerializer.Deserialize<PackageIndex>(index, IndexJson)?.Files;
        return (files, entries ?? throw new InvalidOperationException($"The embedded FHIR package '{name}' has no package/.index.json."));
    }

    private static Resource? Parse(byte[] json)
    {
        var reader = new System.Text.Json.Utf8JsonReader(json);
        // Recoverable mode: a cosmetic error in a published package is no reason to lose the resource.
        Parser.TryDeserializeResource(ref reader, out var resource, out _);
        return resource;
    }

    private sealed record PackageIndex(List<IndexEntry>? Files);

    private sealed record IndexEntry(string? Filename, string? ResourceType, string? Url, string? Version);
}
