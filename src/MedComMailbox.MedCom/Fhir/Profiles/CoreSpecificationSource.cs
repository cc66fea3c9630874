using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace MedComMailbox.MedCom.Fhir.Profiles;

/// <summary>
/// The FHIR R4 base specification as the validator needs it, cheaply: first the few dozen core resources MedCom's
/// profiles actually use, carried as a small package (<c>Packages/hl7.fhir.r4.core-4.0.1-subset.tgz</c>, produced from
/// the SDK's specification.zip by the bench's <c>profiles-core</c> command from the list in
/// <c>Packages/hl7.fhir.r4.core-subset.txt</c>); then, only for a core canonical outside that list, the full
/// specification.zip (Firely's <see cref="ZipSource"/>, which unpacks it and indexes every file: seconds of CPU, paid
/// at most once per process and only when a message uses something the list lacks). Canonicals the list marks
/// <c>absent</c> are known not to be in the base specification and never open the zip. Nothing is refused because
/// of the subset: what it lacks is looked up in the full specification (docs/adr/0017-cheap-profile-validator.md).
/// </summary>
internal sealed class CoreSpecificationSource : IAsyncResourceResolver
{
    private const string SubsetPackage = "hl7.fhir.r4.core-4.0.1-subset";
    private const string ListResource = "MedComMailbox.MedCom.Fhir.Profiles.Packages.hl7.fhir.r4.core-subset.txt";

    private static readonly string[] CoreNamespaces = ["http://hl7.org/fhir/", "http://terminology.hl7.org/"];

    private readonly MedComPackageSource _subset = new([SubsetPackage]);
    private readonly HashSet<string> _absent;
    private readonly Lazy<IAsyncResourceResolver> _full;

    public CoreSpecificationSource(string specificationZip)
    {
        _absent = List().Where(l => l.Absent).Select(l => l.Canonical).ToHashSet(StringComparer.Ordinal);
        _full = new(() => ZipSource.CreateValidationSource(specificationZip), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Core canonicals this instance had to look up in the full specification (the subset lacked them).</summary>
    public ConcurrentQueue<string> FullSpecificationRequests { get; } = new();

    /// <summary>The list the subset is made from: one canonical a line, <c>absent</c> before those not in R4.</summary>
    public static IEnumerable<(string Canonical, bool Absent)> List()
    {
        using var stream = typeof(CoreSpecificationSource).Assembly.GetManifestResourceStream(ListResource)
            ?? throw new InvalidOperationException($"The embedded list '{ListResource}' is missing from the build.");
        using var reader = new StreamReader(stream);
        var lines = new List<(string, bool)>();
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            lines.Add(line.StartsWith("absent ", StringComparison.Ordinal) ? (line["absent ".Length..].Trim(), true) : (line, false));
        }

        return lines;
    }

    public System.Threading.Tasks.Task<Resource?> ResolveByUriAsync(string uri) => ResolveByCanonicalUriAsync(uri);

    public async System.Threading.Tasks.Task<Resource?> ResolveByCanonicalUriAsync(string uri)
    {
        if (_subset.ResolveByCanonicalUri(uri) is { } carried)
        {
            return carried;
        }

        // The base specification holds only canonicals of HL7's own namespaces, those of http://hl7.org/fhir/ all 4.0.1.
        var bar = uri.IndexOf('|', StringComparison.Ordinal);
        if (_absent.Contains(uri) || !CoreNamespaces.Any(ns => uri.StartsWith(ns, StringComparison.Ordinal))
            || (bar >= 0 && uri.StartsWith(CoreNamespaces[0], StringComparison.Ordinal) && uri[(bar + 1)..] != "4.0.1"))
        {
            return null;
        }

        FullSpecificationRequests.Enqueue(uri);
        return (await _full.Value.TryResolveByCanonicalUriAsync(uri).ConfigureAwait(false)).Value;
    }
}
