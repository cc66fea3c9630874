using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.Fhir.Profiles;
using MedComMailbox.Tests;

namespace MedComMailbox.MedCom.Tests.Fhir;

/// <summary>
/// The R4 core subset the profile validator carries (docs/adr/0017) holds everything our samples, MedCom's official
/// examples and the warm-up messages need, so a process never opens the full specification.zip for them; and what the
/// subset lacks is still found in the full specification, never silently missing.
/// </summary>
public sealed class CoreSubsetTests
{
    [Fact]
    public void Samples_official_examples_and_the_warm_up_need_nothing_outside_the_carried_core_subset()
    {
        var core = new CoreSpecificationSource(Path.Combine(AppContext.BaseDirectory, "specification.zip"));
        var validator = new MedComProfileValidator(core);
        var files = Directory.GetFiles(RepoPaths.Samples, "*.*", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "invalid" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Concat(RepoPaths.SharedMedCom is { } shared ? Directory.GetFiles(Path.Combine(shared, "official-examples"), "*.*", SearchOption.AllDirectories) : []);

        var validated = 0;
        validator.Warm();
        foreach (var file in files.Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".xml", StringComparison.Ordinal)))
        {
            var body = File.ReadAllBytes(file);
            var parsed = file.EndsWith(".json", StringComparison.Ordinal) ? FhirCodec.ParseJson(body) : FhirCodec.ParseXml(body);
            if (parsed.Resource is Bundle bundle)
            {
                validator.Validate(bundle, MedComFhirReader.Read(bundle).Kind);
                validated++;
            }
        }

        Assert.True(validated > 10, $"only {validated} FHIR bundles found");
        Assert.True(core.FullSpecificationRequests.IsEmpty,
            "Add to src/MedComMailbox.MedCom/Fhir/Profiles/Packages/hl7.fhir.r4.core-subset.txt and run bench profiles-core: "
            + string.Join(", ", core.FullSpecificationRequests.Distinct()));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_core_canonical_outside_the_subset_is_looked_up_in_the_full_specification()
    {
        const string NotCarried = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";
        Assert.DoesNotContain(CoreSpecificationSource.List(), l => l.Canonical == NotCarried);
        var core = new CoreSpecificationSource(Path.Combine(AppContext.BaseDirectory, "specification.zip"));

        var found = await core.ResolveByCanonicalUriAsync(NotCarried);

        Assert.Equal(NotCarried, Assert.IsType<StructureDefinition>(found).Url);
        Assert.Equal([NotCarried], core.FullSpecificationRequests);
    }

    [Fact]
    public async System.Threading.Tasks.Task What_the_list_marks_absent_and_other_versions_never_open_the_full_specification()
    {
        var core = new CoreSpecificationSource(Path.Combine(AppContext.BaseDirectory, "specification.zip"));

        Assert.Null(await core.ResolveByCanonicalUriAsync("http://hl7.org/fhir/StructureDefinition/address-official|5.2.0"));
        Assert.Null(await core.ResolveByCanonicalUriAsync("http://hl7.org/fhir/StructureDefinition/Patient|5.0.0"));
        Assert.Null(await core.ResolveByCanonicalUriAsync("http://medcomfhir.dk/ig/core/StructureDefinition/medcom-core-patient"));
        Assert.NotNull(await core.ResolveByCanonicalUriAsync("http://hl7.org/fhir/StructureDefinition/Patient|4.0.1"));
        Assert.Empty(core.FullSpecificationRequests);
    }
}
