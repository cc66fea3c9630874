using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.Identifiers;

namespace MedComMailbox.MedCom.Tests.Fhir;

/// <summary>Rules that are easier to state on a bundle built in code than in a sample file.</summary>
public sealed class ValidatorTests
{
    private static readonly MailboxIdentity Us = new("5790000991006", "1234561000016001", "Koordinationsudvalget");
    private static readonly MailboxIdentity Gp = new("5790000882007", "2345671000016005", "Lægerne i Eksempelby");

    private static Bundle Referral(string? priority = "routine", string category = "regarding-referral", string? topic = null) => CareCommunicationBuilder.New(
        new NewCareCommunicationDraft(Us.Gln, Us.SorId, Us.Name, "0101141234", "Ida", "Eksempel", category, topic, priority,
            new SegmentDraft("Henvisning.", new SegmentAuthor("Lars", "Læge", "speciallaegeipraksis", null, "70202020"))),
        Gp, new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    private static List<string> Codes(Bundle bundle) =>
        MedComFhirValidator.Validate(bundle, new MedComValidationContext([Us.Gln])).Where(i => i.IsBlocking).Select(i => i.Code).ToList();

    [Theory]
    [InlineData("https://www.gs1.org/gln")]
    [InlineData("http://www.gs1.org/gln")]
    [InlineData("urn:oid:1.3.88")]
    public void Every_gln_system_seen_in_the_wild_is_accepted(string system)
    {
        var bundle = Referral();
        foreach (var organization in bundle.Entry.Select(e => e.Resource).OfType<Organization>())
        {
            organization.Identifier.Single(i => i.System == MedComIdentifiers.GlnSystem).System = system;
        }

        Assert.Empty(Codes(bundle));
        Assert.Equal(Us.Gln, MedComFhirReader.Read(bundle).Receiver!.Gln);
    }

    [Theory]
    [InlineData("urgent")]
    [InlineData("stat")]
    public void Only_routine_and_asap_are_referral_priorities(string priority) =>
        Assert.Equal([MedComErrors.PriorityUnknown.Code], Codes(Referral(priority)));

    [Fact]
    public void Priority_on_another_category_is_refused() =>
        Assert.Equal([MedComErrors.PriorityNotAllowed.Code], Codes(Referral("routine", "carecoordination")));

    [Fact]
    public void Other_needs_a_topic() =>
        Assert.Equal([MedComErrors.TopicRequired.Code], Codes(Referral(null, "other")));

    [Fact]
    public void Every_one_of_the_eighteen_categories_is_accepted()
    {
        Assert.Equal(18, Terminology.MedComTerminology.Categories.Codes.Count);
        foreach (var code in Terminology.MedComTerminology.Categories.Codes)
        {
            Assert.Empty(Codes(Referral(code == "regarding-referral" ? "asap" : null, code, code == "other" ? "Emne" : null)));
        }
    }

    [Fact]
    public void A_cc_destination_is_refused()
    {
        var bundle = Referral();
        var header = (MessageHeader)bundle.Entry[0].Resource!;
        var cc = (MessageHeader.MessageDestinationComponent)header.Destination[0].DeepCopy();
        cc.SetExtension(MedComFhirReader.DestinationUseExtension, new Coding(Terminology.MedComTerminology.DestinationUseSystem, "cc"));
        header.Destination.Add(cc);

        Assert.Equal([MedComErrors.CcNotAllowed.Code], Codes(bundle));
    }

    [Fact]
    public void A_dangling_reference_is_refused()
    {
        var bundle = Referral();
        bundle.Entry.RemoveAll(e => e.Resource is Practitioner);

        Assert.Contains(MedComErrors.ReferenceUnresolved.Code, Codes(bundle));
    }

    [Fact]
    public void A_specific_sender_from_another_organisation_is_refused()
    {
        var bundle = Referral();
        var stranger = new Organization { Id = Guid.NewGuid().ToString(), Name = "Fremmed" };
        var role = new PractitionerRole { Id = Guid.NewGuid().ToString(), Organization = new ResourceReference($"Organization/{stranger.Id}") };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{stranger.Id}", Resource = stranger });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{role.Id}", Resource = role });
        var communication = bundle.Entry.Select(e => e.Resource).OfType<Communication>().Single();
        communication.SetExtension("http://medcomfhir.dk/ig/carecommunication/StructureDefinition/medcom-carecommunication-sender-extension", new ResourceReference($"PractitionerRole/{role.Id}"));

        Assert.Equal([MedComErrors.SenderInconsistent.Code], Codes(bundle));
    }

    [Theory]
    [InlineData("5790000991006", true)]
    [InlineData("5790000991007", false)]
    [InlineData("579000099100", false)]
    [InlineData("57900009910a6", false)]
    public void Gln_check_digit(string gln, bool valid) => Assert.Equal(valid, MedComIdentifiers.IsValidGln(gln));

    [Theory]
    [InlineData("0101141234", true)]
    [InlineData("010114-1234", true)]
    [InlineData("3102141234", false)]
    [InlineData("2902214234", false)]
    [InlineData("2902204234", true)]
    [InlineData("01011412345", false)]
    public void Cpr_format(string cpr, bool valid) => Assert.Equal(valid, MedComIdentifiers.IsValidCpr(cpr));
}
