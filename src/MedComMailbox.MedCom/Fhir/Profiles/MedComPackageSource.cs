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
/// CareCommunication). Read once; lookups are by canonical URL, with or without <c>|version</c>.
/// </summary>
public sealed class MedComPackageSource : IResourceResolver, IAsyncResourceResolver
{
    private static readonly HashSet<string> Wanted = ["StructureDefinition", "ValueSet", "CodeSystem"];

    private readonly FrozenDictionary<string, Resource> _byCanonical;

    private MedComPackageSource(IReadOnlyList<string> packages)
    {
        Packages = packages;
        var parser = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));
        var index = new Dictionary<string, Resource>(StringComparer.Ordinal);
        foreach (var package in packages)
        {
            foreach (var resource in ReadPackage(package, parser))
            {
                if (resource is IVersionableConformanceResource { Url: { } url } conformance)
                {
                    index.TryAdd(url, resource);
                    if (conformance.Version is { } version)
                    {
                        index.TryAdd(url + "|" + version, resource);
                    }
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
    public IEnumerable<T> All<T>() where T : Resource => _byCanonical.Values.OfType<T>().Distinct();

    /// <summary>
    /// By canonical; a <c>|version</c> we do not carry falls back to the version we do when major and minor agree
    /// (MedCom's receive test messages name <c>|5.0.1</c>, we carry 5.0.2: patch releases do not change the rules).
    /// </summary>
    public Resource? ResolveByCanonicalUri(string uri)
    {
        if (_byCanonical.TryGetValue(uri, out var exact))
        {
            return exact;
        }

        var bar = uri.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0 || !_byCanonical.TryGetValue(uri[..bar], out var carried) || carried is not IVersionableConformanceResource { Version: { } version })
        {
            return null;
        }

        static string MajorMinor(string v) => string.Join('.', v.Split('.').Take(2));
        return MajorMinor(version) == MajorMinor(uri[(bar + 1)..]) ? carried : null;
    }

    public Resource? ResolveByUri(string uri) => ResolveByCanonicalUri(uri);

    public System.Threading.Tasks.Task<Resource?> ResolveByCanonicalUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(ResolveByCanonicalUri(uri));

    public System.Threading.Tasks.Task<Resource?> ResolveByUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(ResolveByUri(uri));

    private static List<Resource> ReadPackage(string package, BaseFhirJsonDeserializer parser)
    {
        var name = $"MedComMailbox.MedCom.Fhir.Profiles.Packages.{package}.tgz";
        using var stream = typeof(MedComPackageSource).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded FHIR package '{name}' is missing from the build.");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var resources = new List<Resource>();
        while (tar.GetNextEntry() is { } entry)
        {
            var file = entry.Name.Replace('\\', '/');
            if (entry.DataStream is null || !file.StartsWith("package/", StringComparison.Ordinal) || file.Count(c => c == '/') != 1
                || !file.EndsWith(".json", StringComparison.Ordinal) || file.EndsWith("package.json", StringComparison.Ordinal)
                || !Wanted.Any(type => file.StartsWith("package/" + type + "-", StringComparison.Ordinal)))
            {
                continue;
            }

            using var copy = new MemoryStream();
            entry.DataStream.CopyTo(copy);
            var reader = new System.Text.Json.Utf8JsonReader(copy.ToArray());
            if (parser.TryDeserializeResource(ref reader, out var resource, out _) && resource is not null)
            {
                resources.Add(resource);
            }
            else if (resource is not null)
            {
                resources.Add(resource); // recoverable mode: a cosmetic error in a published package is no reason to lose it
            }
        }

        return resources;
    }
}
