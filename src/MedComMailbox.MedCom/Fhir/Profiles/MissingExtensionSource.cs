using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace MedComMailbox.MedCom.Fhir.Profiles;

/// <summary>
/// The last resolver in the chain, for HL7 extensions MedCom's packages pin to a version of
/// <c>hl7.fhir.uv.extensions.r4</c>, a package we do not carry (<c>address-official|5.2.0</c>,
/// <c>data-absent-reason|5.2.0</c>). It answers with the base specification's definition of the same URL when there is
/// one, and otherwise with a plain Extension definition under that URL, so such an extension is checked as an
/// Extension (url, one value) rather than failing the whole resource's profile (docs/adr/0012).
/// </summary>
internal sealed class MissingExtensionSource(IAsyncResourceResolver core) : IAsyncResourceResolver
{
    private const string Hl7Base = "http://hl7.org/fhir/StructureDefinition/";

    public System.Threading.Tasks.Task<Resource?> ResolveByUriAsync(string uri) => ResolveByCanonicalUriAsync(uri);

    public async System.Threading.Tasks.Task<Resource?> ResolveByCanonicalUriAsync(string uri)
    {
        if (!uri.StartsWith(Hl7Base, StringComparison.Ordinal) || !uri.Contains('|'))
        {
            return null;
        }

        var unversioned = uri[..uri.IndexOf('|')];
        if ((await core.TryResolveByCanonicalUriAsync(unversioned).ConfigureAwait(false)).Value is StructureDefinition known)
        {
            return known;
        }

        if ((await core.TryResolveByCanonicalUriAsync(Hl7Base + "Extension").ConfigureAwait(false)).Value is not StructureDefinition extension)
        {
            return null;
        }

        var standIn = (StructureDefinition)extension.DeepCopy();
        standIn.Url = unversioned;
        standIn.Version = uri[(uri.IndexOf('|') + 1)..];
        standIn.Name = "StandIn" + unversioned[Hl7Base.Length..].Replace("-", "", StringComparison.Ordinal);
        standIn.Derivation = StructureDefinition.TypeDerivationRule.Constraint;
        standIn.BaseDefinition = Hl7Base + "Extension";
        standIn.Context = [new StructureDefinition.ContextComponent { Type = StructureDefinition.ExtensionContextType.Element, Expression = "Element" }];
        // Slicing on extensions discriminates by Extension.url, so the stand-in must fix it, as a real definition does.
        foreach (var element in (standIn.Snapshot?.Element ?? []).Where(e => e.Path == "Extension.url"))
        {
            element.Fixed = new FhirUri(unversioned);
        }

        standIn.Differential = null;
        return standIn;
    }
}
