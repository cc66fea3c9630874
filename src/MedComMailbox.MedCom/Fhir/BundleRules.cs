using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Identifiers;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>Receiver point 2: the bundle's structure (a message bundle, the MessageHeader first, a Provenance, valid ids, every reference resolved).</summary>
internal static class BundleRules
{
    internal static void CheckBundle(Bundle bundle, BundleIndex index, List<MedComIssue> issues)
    {
        if (bundle.Type != Bundle.BundleType.Message)
        {
            issues.Add(MedComErrors.BundleTypeNotMessage.At("Bundle.type"));
        }

        if (bundle.Entry.FirstOrDefault()?.Resource is not MessageHeader)
        {
            issues.Add(MedComErrors.HeaderNotFirst.At("Bundle.entry[0]"));
        }

        if (!bundle.Entry.Any(e => e.Resource is Provenance))
        {
            issues.Add(MedComErrors.ProvenanceMissing.At("Bundle.entry"));
        }

        // MedCom's test protocol sends non-UUID ids ("msg.01-a"), so only FHIR's own id rule applies; the MessageHeader
        // id is the duplicate key and must be present.
        if (!MedComIdentifiers.IsFhirId(bundle.Id))
        {
            issues.Add(MedComErrors.IdInvalid.At("Bundle.id"));
        }

        if (bundle.Entry.FirstOrDefault()?.Resource is MessageHeader h && !MedComIdentifiers.IsFhirId(h.Id))
        {
            issues.Add(MedComErrors.IdInvalid.At("MessageHeader.id"));
        }

        foreach (var entry in bundle.Entry)
        {
            if (entry.Resource is null)
            {
                continue;
            }

            // A Provenance's target and revision point at earlier messages, which are not in this bundle by design.
            var references = entry.Resource is Provenance p ? p.Agent.Select(a => a.Who).OfType<ResourceReference>() : References(entry.Resource);
            foreach (var reference in references)
            {
                if (reference.Reference is { Length: > 0 } target && !target.StartsWith('#') && index.Resolve(target) is null)
                {
                    issues.Add(MedComErrors.ReferenceUnresolved.At($"{entry.Resource.TypeName}/{entry.Resource.Id}", target));
                }
            }
        }
    }

    private static IEnumerable<ResourceReference> References(Base node)
    {
        foreach (var (_, value) in node.EnumerateElements())
        {
            switch (value)
            {
                case ResourceReference reference:
                    yield return reference;
                    foreach (var inner in References(reference))
                    {
                        yield return inner;
                    }

                    break;
                case Resource:
                    break; // contained resources keep their own reference space
                case Base child:
                    foreach (var inner in References(child))
                    {
                        yield return inner;
                    }

                    break;
                case IEnumerable<Base> children:
                    foreach (var child in children)
                    {
                        if (child is ResourceReference r)
                        {
                            yield return r;
                        }

                        if (child is not Resource)
                        {
                            foreach (var inner in References(child))
                            {
                                yield return inner;
                            }
                        }
                    }

                    break;
            }
        }
    }
}
