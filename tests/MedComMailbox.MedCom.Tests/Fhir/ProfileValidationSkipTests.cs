using System.Text;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.Fhir.Profiles;
using MedComMailbox.Tests;

namespace MedComMailbox.MedCom.Tests.Fhir;

/// <summary>
/// What the profile walk leaves out for speed (docs/adr/0018, <see cref="SkippedAssertions"/>) can never let through
/// a message MedCom's profiles refuse: the invariants are skipped only when the bundle makes them true, and a bundle
/// that breaks one is validated with all of them and refused.
/// </summary>
public sealed class ProfileValidationSkipTests
{
    private static Bundle Sample(params string[] path) => (Bundle)FhirCodec.ParseJson(File.ReadAllBytes(RepoPaths.Sample(path))).Resource!;

    private static IReadOnlyList<MedComIssue> Validate(Bundle bundle) =>
        MedComProfileValidator.Shared.Validate(bundle, MedComMessageKind.CareCommunication);

    [Fact]
    public void This_firely_version_lets_compiled_discriminator_paths_be_shared()
    {
        // False would not be wrong, only slow: every message would compile the paths again (SharedPathValidationRun).
        Assert.True(SharedPathValidationRun.SharesCompiledPaths);
    }

    [Theory]
    [InlineData("carecommunication", "gp-referral-child.json")]
    [InlineData("carecommunication", "gp-referral-with-attachment.json")]
    [InlineData("carecommunication", "non-uuid-ids.json")]
    public void Our_samples_make_the_skipped_invariants_vacuous(string folder, string file)
    {
        Assert.True(SkippedAssertions.AreVacuous(Sample(folder, file)));
    }

    [Fact]
    public void A_bundle_with_total_is_validated_with_bdl_1_and_refused()
    {
        var bundle = Sample("carecommunication", "gp-referral-child.json");
        bundle.Total = 3;

        Assert.False(SkippedAssertions.AreVacuous(bundle));
        Assert.Contains(Validate(bundle), i => i.IsBlocking && i.TextEn.Contains("bdl-1", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_entries_with_one_full_url_are_validated_with_bdl_7_and_refused()
    {
        var bundle = Sample("carecommunication", "gp-referral-child.json");
        var last = bundle.Entry[^1];
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = last.FullUrl, Resource = (Resource)last.Resource!.DeepCopy() });

        Assert.False(SkippedAssertions.AreVacuous(bundle));
        Assert.Contains(Validate(bundle), i => i.IsBlocking && i.TextEn.Contains("bdl-7", StringComparison.Ordinal));
    }

    [Fact]
    public void A_local_reference_without_its_contained_resource_is_validated_with_ref_1_and_refused()
    {
        var bundle = Sample("carecommunication", "gp-referral-child.json");
        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        patient.ManagingOrganization = new ResourceReference("#nowhere");

        Assert.False(SkippedAssertions.AreVacuous(bundle));
        Assert.Contains(Validate(bundle), i => i.IsBlocking && i.TextEn.Contains("ref-1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_contained_resource_is_validated_with_the_dom_invariants_and_an_unreferenced_one_refused()
    {
        var bundle = Sample("carecommunication", "gp-referral-child.json");
        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        patient.Contained.Add(new Organization { Id = "unreferenced", Name = "Ingen henviser hertil" });

        Assert.False(SkippedAssertions.AreVacuous(bundle));
        Assert.Contains(Validate(bundle), i => i.IsBlocking && i.TextEn.Contains("dom-3", StringComparison.Ordinal));
    }

    [Fact]
    public void Attachment_data_that_is_not_base64_is_refused_by_the_parser_before_the_skipped_regex_could_matter()
    {
        var json = File.ReadAllText(RepoPaths.Sample("carecommunication", "gp-referral-with-attachment.json"));
        var broken = Regex.Replace(json, "\"data\": \"[^\"]*\"", "\"data\": \"not base64 at all!\"");
        Assert.NotEqual(json, broken);

        var parsed = FhirCodec.ParseJson(Encoding.UTF8.GetBytes(broken));

        Assert.Contains(parsed.Issues, i => i.IsBlocking);
    }

    [Fact]
    public async System.Threading.Tasks.Task The_skipped_regex_is_the_one_r4_declares_for_base64Binary_and_any_bytes_match_it()
    {
        // Were the specification's pattern another, SkippedAssertions.Always would skip nothing (slow, not wrong).
        var core = new CoreSpecificationSource(Path.Combine(AppContext.BaseDirectory, "specification.zip"));
        var definition = (StructureDefinition)(await core.ResolveByCanonicalUriAsync("http://hl7.org/fhir/StructureDefinition/base64Binary"))!;
        var declared = definition.Snapshot!.Element.Single(e => e.Path == "base64Binary.value").Type.Single()
            .GetStringExtension("http://hl7.org/fhir/StructureDefinition/regex");
        Assert.Equal(SkippedAssertions.Base64Pattern, declared);

        var pattern = new Regex("^(?:" + SkippedAssertions.Base64Pattern + ")$", RegexOptions.None, TimeSpan.FromSeconds(5));
        foreach (var length in new[] { 1, 2, 3, 4, 611, 4096 })
        {
            var bytes = new byte[length];
            new Random(length).NextBytes(bytes);
            Assert.Matches(pattern, Convert.ToBase64String(bytes));
        }
    }
}
