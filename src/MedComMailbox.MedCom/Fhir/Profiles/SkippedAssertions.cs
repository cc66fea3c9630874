using Firely.Fhir.Validation;
using Hl7.Fhir.Model;

namespace MedComMailbox.MedCom.Fhir.Profiles;

#pragma warning disable ExperimentalApi // FhirPathValidator, RegExValidator, IAssertion: Firely marks them experimental.

/// <summary>
/// What the profile walk leaves out because it cannot fail for the message at hand (docs/adr/0018). Nothing MedCom's
/// own profiles state is left out, and nothing is left out on a guess:
/// <list type="bullet">
/// <item>always: base64Binary's regex. The message is validated as parsed objects, where an attachment's
///   <c>data</c> is bytes (the strict parser refused what was not base64); Firely turns the bytes back into text only
///   to match that regex, which any encoding of bytes matches. For a 200 kB PDF that was the largest single cost.</item>
/// <item>when <see cref="AreVacuous"/> says so for this bundle: FHIR's own invariants on contained resources and local
///   references (dom-2 … dom-5, ref-1) and on the Bundle (bdl-1 … bdl-12), each of which is true by its expression
///   when there is no contained resource, no <c>#</c> reference, and the bundle is a well-formed message bundle.
///   A message that has any of these is validated with every invariant.</item>
/// </list>
/// </summary>
internal static class SkippedAssertions
{
    /// <summary>The regex R4 declares for base64Binary.value.</summary>
    internal const string Base64Pattern = @"(\s*([0-9a-zA-Z\+/=]){4}\s*)+";

    /// <summary>The core invariants <see cref="AreVacuous"/> can show true without evaluating them.</summary>
    internal static readonly IReadOnlySet<string> VacuousInvariantKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "dom-2", "dom-3", "dom-4", "dom-5", "ref-1",
        "bdl-1", "bdl-2", "bdl-3", "bdl-4", "bdl-5", "bdl-7", "bdl-8", "bdl-9", "bdl-10", "bdl-11", "bdl-12",
    };

    /// <summary>Every validation: base64Binary's regex (see the class summary).</summary>
    public static bool Always(IAssertion assertion) => assertion is RegExValidator { Pattern: Base64Pattern };

    /// <summary>Validations of a bundle for which <see cref="AreVacuous"/> is true: also the invariants it proves.</summary>
    public static bool VacuousInvariant(IAssertion assertion) =>
        assertion is FhirPathValidator invariant && VacuousInvariantKeys.Contains(invariant.Key);

    /// <summary>
    /// True when every invariant of <see cref="VacuousInvariantKeys"/> holds for the bundle by its expression alone:
    /// <list type="bullet">
    /// <item>no resource anywhere in it has contained resources (dom-2 … dom-5 are all about <c>contained</c>) and no
    ///   reference starts with <c>#</c> (ref-1 is <c>reference.startsWith('#').not() or …</c>);</item>
    /// <item>it is the only Bundle, of type message, its first resource a MessageHeader (bdl-12; bdl-9 … bdl-11 are
    ///   <c>type = 'document' implies …</c>), without <c>total</c> (bdl-1), every entry has a resource (bdl-5) and no
    ///   <c>search</c>, <c>request</c> or <c>response</c> (bdl-2 … bdl-4), no fullUrl contains <c>/_history/</c>
    ///   (bdl-8) and no two entries share fullUrl and version (bdl-7).</item>
    /// </list>
    /// </summary>
    public static bool AreVacuous(Bundle bundle)
    {
        if (bundle.Type != Bundle.BundleType.Message || bundle.Total is not null
            || bundle.Entry.FirstOrDefault()?.Resource is not MessageHeader)
        {
            return false;
        }

        var fullUrls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in bundle.Entry)
        {
            if (entry.Resource is null || entry.Search is not null || entry.Request is not null || entry.Response is not null)
            {
                return false;
            }

            if (entry.FullUrl is { } fullUrl
                && (fullUrl.Contains("/_history/", StringComparison.Ordinal) || !fullUrls.Add(fullUrl + "|" + entry.Resource.Meta?.VersionId)))
            {
                return false;
            }

            if (!HasNoContainedNorLocalReference(entry.Resource))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasNoContainedNorLocalReference(Base node)
    {
        switch (node)
        {
            case Bundle:
                return false; // a bundle inside the message: its own bdl invariants apply
            case DomainResource { Contained.Count: > 0 }:
                return false;
            case ResourceReference { Reference: { } reference } when reference.StartsWith('#'):
                return false;
        }

        foreach (var (_, value) in node.EnumerateElements())
        {
            switch (value)
            {
                case Base child when !HasNoContainedNorLocalReference(child):
                    return false;
                case IEnumerable<Base> children when children.Any(child => !HasNoContainedNorLocalReference(child)):
                    return false;
            }
        }

        return true;
    }
}
