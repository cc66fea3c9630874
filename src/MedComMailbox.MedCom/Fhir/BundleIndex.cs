using Hl7.Fhir.Model;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>
/// Resolves references inside a message bundle. MedCom writes relative references (<c>Organization/&lt;id&gt;</c>)
/// and absolute fullUrls; some senders use <c>urn:uuid:</c> fullUrls. All three resolve here.
/// </summary>
internal sealed class BundleIndex
{
    private readonly Dictionary<string, Resource> _byKey = new(StringComparer.Ordinal);

    public BundleIndex(Bundle bundle)
    {
        foreach (var entry in bundle.Entry)
        {
            if (entry.Resource is not { } resource)
            {
                continue;
            }

            if (entry.FullUrl is { Length: > 0 } fullUrl)
            {
                _byKey.TryAdd(fullUrl, resource);
            }

            if (resource.Id is { Length: > 0 } id)
            {
                _byKey.TryAdd($"{resource.TypeName}/{id}", resource);
                _byKey.TryAdd($"urn:uuid:{id}", resource);
            }
        }
    }

    public Resource? Resolve(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        if (_byKey.TryGetValue(reference, out var found))
        {
            return found;
        }

        // An absolute URL whose tail is Type/id (https://…/Organization/<id>) resolves to the local resource.
        var parts = reference.Split('/');
        return parts.Length >= 2 && _byKey.TryGetValue($"{parts[^2]}/{parts[^1]}", out found) ? found : null;
    }

    public T? Resolve<T>(ResourceReference? reference)
        where T : Resource => Resolve(reference?.Reference) as T;
}
