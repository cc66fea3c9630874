using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.Fhir.Profiles;
using MedComMailbox.MedCom.Terminology;
using MedComMailbox.Tests;

namespace MedComMailbox.MedCom.Tests.Fhir;

/// <summary>
/// MedCom's published profiles through Firely's validator (docs/adr/0012): what rejects, what only warns, and the
/// receive-protocol steps our own messages stand in for (non-UUID ids, the parallel-reply addressing, an invalid message).
/// </summary>
public sealed class ProfileValidationTests
{
    private static readonly MailboxIdentity[] Ours =
    [
        new("5790000991006", "1234561000016001", "Koordinationsudvalget for børn og unge, Eksempel Kommune"),
        new("5790000991013", "1234571000016003", "Sundhedsplejen, Eksempel Kommune"),
    ];

    private static InboundReadResult Read(params string[] path) => new InboundReader(Ours).Read(File.ReadAllBytes(RepoPaths.Sample(path)), null);

    [Fact]
    public void Ids_that_are_not_uuids_are_accepted()
    {
        var result = Read("carecommunication", "non-uuid-ids.json");

        Assert.True(result.IsValid, string.Join("; ", result.Issues.Select(i => $"{i.Code} {i.TextEn} {i.Location}")));
        Assert.Equal("msg.01-a", result.Summary.MessageId);
    }

    [Fact]
    public void An_id_outside_fhirs_id_rule_is_still_refused()
    {
        var body = File.ReadAllText(RepoPaths.Sample("carecommunication", "non-uuid-ids.json")).Replace("msg.01-a", "msg_01 a", StringComparison.Ordinal);

        var result = new InboundReader(Ours).Read(System.Text.Encoding.UTF8.GetBytes(body), null);

        Assert.False(result.IsValid);
    }

    [Fact]
    public void Endpoint_naming_another_sor_id_is_a_warning_when_the_gln_is_ours()
    {
        var result = Read("carecommunication", "receiver-endpoint-differs-warning.json");

        Assert.True(result.IsValid);
        Assert.Contains(result.Issues, i => i.Code == MedComErrors.ReceiverEndpointDiffers.Code && i.Severity == MedComIssueSeverity.Warning);
    }

    [Fact]
    public void A_profile_rule_our_own_rules_do_not_state_rejects_with_its_fhirpath_location()
    {
        var result = Read("invalid", "profile-invalid.json");

        var issue = Assert.Single(result.Issues, i => i.IsBlocking);
        Assert.Equal(MedComErrors.ProfileInvalid.Code, issue.Code);
        Assert.StartsWith("Bundle.entry[", issue.Location, StringComparison.Ordinal);
        Assert.Contains("status", issue.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_sample_has_no_profile_finding()
    {
        var message = (MedComFhirMessage)Read("carecommunication", "gp-referral-with-attachment.json").Parsed!;

        Assert.Empty(MedComProfileValidator.Shared.Validate(message.Bundle, message.Kind));
    }

    [Theory]
    [InlineData("acknowledgement", "ack-ok-from-gp.json")]
    [InlineData("acknowledgement", "ack-fatal-error.json")]
    public void Acknowledgements_validate_against_the_acknowledgement_profile_without_findings(string folder, string file)
    {
        var message = (MedComFhirMessage)Read(folder, file).Parsed!;

        Assert.Empty(MedComProfileValidator.Shared.Validate(message.Bundle, message.Kind));
    }

    [Fact]
    public void Switching_profiles_off_leaves_only_our_rules()
    {
        var body = File.ReadAllBytes(RepoPaths.Sample("invalid", "profile-invalid.json"));

        Assert.True(new InboundReader(Ours, validateProfiles: false).Read(body, null).IsValid);
    }

    [Fact]
    public void A_patch_version_we_do_not_carry_resolves_to_the_one_we_do()
    {
        var packages = MedComPackageSource.CareCommunication;

        Assert.NotNull(packages.ResolveByCanonicalUri("http://medcomfhir.dk/ig/carecommunication/StructureDefinition/medcom-careCommunication-communication|5.0.1"));
        Assert.Null(packages.ResolveByCanonicalUri("http://medcomfhir.dk/ig/carecommunication/StructureDefinition/medcom-careCommunication-communication|4.0.0"));
    }

    [Theory]
    [InlineData("6007", OperationOutcome.IssueSeverity.Error, "profile-code-unknown")]
    [InlineData("1028", OperationOutcome.IssueSeverity.Error, "profile-invalid")]
    [InlineData("4000", OperationOutcome.IssueSeverity.Error, "profile-warning")]
    [InlineData("1001", OperationOutcome.IssueSeverity.Warning, "profile-warning")]
    [InlineData("6006", OperationOutcome.IssueSeverity.Warning, null)]
    [InlineData("1028", OperationOutcome.IssueSeverity.Information, null)]
    public void Findings_are_classified_by_medcoms_rules(string firelyCode, OperationOutcome.IssueSeverity severity, string? expected)
    {
        var outcome = new OperationOutcome();
        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = severity,
            Code = OperationOutcome.IssueType.Invalid,
            Details = new CodeableConcept("http://hl7.org/fhir/dotnet-api-operation-outcome", firelyCode, "text"),
            Expression = ["Bundle.entry[2].resource[0].status[0]"],
        });

        var issues = ProfileFindings.Classify(outcome);

        Assert.Equal(expected is null ? [] : [expected], issues.Select(i => i.Code));
        Assert.All(issues, i => Assert.Equal("Bundle.entry[2].resource[0].status[0]", i.Location));
    }

    [Fact]
    public void Codes_have_danish_names_from_the_code_systems()
    {
        Assert.Equal("Vedr. henvisning", MedComTerminology.Categories.DanishName("regarding-referral"));
        Assert.Equal("Overlæge", MedComTerminology.PractitionerRoles.DanishName("overlaege"));
    }
}
