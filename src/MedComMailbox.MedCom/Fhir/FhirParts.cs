using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Identifiers;
using MedComMailbox.MedCom.Terminology;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>Small constructors shared by the builders, so every resource we write has MedCom's shape.</summary>
internal static class FhirParts
{
    public const string CareCommunicationBase = "https://medcomfhir.dk/ig/carecommunication/";
    public const string AcknowledgementBase = "https://medcomfhir.dk/ig/acknowledgement/";
    public const string CareCommunicationProfiles = "http://medcomfhir.dk/ig/carecommunication/StructureDefinition/";
    public const string MessagingProfiles = "http://medcomfhir.dk/ig/messaging/StructureDefinition/";
    public const string AcknowledgementProfiles = "http://medcomfhir.dk/ig/acknowledgement/StructureDefinition/";
    public const string CoreProfiles = "http://medcomfhir.dk/ig/core/StructureDefinition/";
    public const string CareCommunicationDefinition = "http://medcomfhir.dk/ig/messagedefinitions/MessageDefinition/MedComCareCommunicationMessageDefinition|5.0";

    public static T WithProfile<T>(this T resource, string profile)
        where T : Resource
    {
        resource.Meta = new Meta { Profile = [profile] };
        return resource;
    }

    public static void Add(this Bundle bundle, string baseUrl, Resource resource) =>
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"{baseUrl}{resource.TypeName}/{resource.Id}", Resource = resource });

    public static ResourceReference Ref(Resource resource) => new($"{resource.TypeName}/{resource.Id}");

    public static Organization Organization(string id, string gln, string sorId, string? name) => new Organization
    {
        Id = id,
        Identifier =
        [
            new Identifier(MedComIdentifiers.GlnSystem, gln),
            new Identifier(MedComIdentifiers.SorSystem, sorId),
        ],
        Name = name,
    }.WithProfile(MessagingProfiles + "medcom-messaging-organization");

    public static MessageHeader.MessageDestinationComponent PrimaryDestination(string endpoint, Organization receiver)
    {
        var destination = new MessageHeader.MessageDestinationComponent { Endpoint = endpoint, Receiver = Ref(receiver) };
        destination.SetExtension(MedComFhirReader.DestinationUseExtension, new Coding(MedComTerminology.DestinationUseSystem, "primary"));
        return destination;
    }

    public static Provenance Provenance(string id, string profile, MessageHeader target, string activity, DateTimeOffset now, Organization agent) => new Provenance
    {
        Id = id,
        Target = [Ref(target)],
        Occurred = new FhirDateTime(now),
        Recorded = now,
        Activity = new CodeableConcept(MedComTerminology.ActivitySystem, activity),
        Agent = [new Provenance.AgentComponent { Who = Ref(agent) }],
    }.WithProfile(profile);

    public static Provenance.EntityComponent Revision(string previousHeaderReference) => new()
    {
        Role = Hl7.Fhir.Model.Provenance.ProvenanceEntityRole.Revision,
        What = new ResourceReference(previousHeaderReference),
    };

    public static Provenance.EntityComponent Source(string segmentIdentifier) => new()
    {
        Role = Hl7.Fhir.Model.Provenance.ProvenanceEntityRole.Source,
        What = new ResourceReference { Identifier = new Identifier { Value = segmentIdentifier } },
    };

    public static string Urn(Guid id) => $"urn:uuid:{id:D}";

    public static string Id(Guid id) => id.ToString("D");
}
