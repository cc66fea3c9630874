using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Identifiers;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>Reads a parsed Bundle into <see cref="MedComFhirMessage"/>. Never throws: what is missing stays null.</summary>
public static class MedComFhirReader
{
    public const string DateTimeExtension = "http://medcomfhir.dk/ig/core/StructureDefinition/medcom-core-datetime-extension";
    public const string IdentifierExtension = "http://medcomfhir.dk/ig/core/StructureDefinition/medcom-core-identifier-extension";
    public const string PractitionerExtension = "http://medcomfhir.dk/ig/core/StructureDefinition/medcom-core-practitioner-extension";
    public const string ContactExtension = "http://medcomfhir.dk/ig/core/StructureDefinition/medcom-core-contact-extension";
    public const string DestinationUseExtension = "http://medcomfhir.dk/ig/messaging/StructureDefinition/medcom-messaging-destinationUseExtension";

    public static MedComFhirMessage Read(Bundle bundle)
    {
        var index = new BundleIndex(bundle);
        var header = bundle.Entry.Select(e => e.Resource).OfType<MessageHeader>().FirstOrDefault();
        var primary = header is null ? null : PrimaryDestination(header);
        var communication = header?.Focus.Select(f => index.Resolve<Communication>(f)).FirstOrDefault(c => c is not null)
            ?? bundle.Entry.Select(e => e.Resource).OfType<Communication>().FirstOrDefault();
        var patient = communication is not null
            ? index.Resolve<Patient>(communication.Subject) ?? bundle.Entry.Select(e => e.Resource).OfType<Patient>().FirstOrDefault()
            : bundle.Entry.Select(e => e.Resource).OfType<Patient>().FirstOrDefault();

        return new MedComFhirMessage(
            bundle,
            bundle.Id,
            bundle.Timestamp,
            header?.Id,
            (header?.Event as Coding)?.Code,
            header?.Definition,
            Organization(index.Resolve<Organization>(header?.Sender)),
            Organization(index.Resolve<Organization>(primary?.Receiver)),
            primary?.Endpoint,
            header?.Source?.Endpoint,
            ReadPatient(patient),
            communication is null ? null : ReadCommunication(communication, index),
            bundle.Entry.Select(e => e.Resource).OfType<Provenance>().Select(ReadProvenance).ToList(),
            header?.Response is { } response ? ReadAcknowledgement(response, index) : null);
    }

    internal static MessageHeader.MessageDestinationComponent? PrimaryDestination(MessageHeader header) =>
        header.Destination.FirstOrDefault(d => DestinationUse(d) == "primary") ?? header.Destination.FirstOrDefault(d => DestinationUse(d) is null);

    internal static string? DestinationUse(MessageHeader.MessageDestinationComponent destination) =>
        (destination.GetExtensionValue<Coding>(DestinationUseExtension))?.Code;

    public static MedComOrganization? Organization(Organization? organization)
    {
        if (organization is null)
        {
            return null;
        }

        var gln = organization.Identifier.FirstOrDefault(i => MedComIdentifiers.IsGlnSystem(i.System));
        var sor = organization.Identifier.FirstOrDefault(i => i.System == MedComIdentifiers.SorSystem);
        return new MedComOrganization(organization.Id, gln?.Value, gln?.System, sor?.Value, organization.Name);
    }

    private static MedComPatient? ReadPatient(Patient? patient)
    {
        if (patient is null)
        {
            return null;
        }

        var identifier = patient.Identifier.FirstOrDefault(i => i.System == MedComIdentifiers.CprSystem)
            ?? patient.Identifier.FirstOrDefault(i => MedComIdentifiers.IsReplacementCprSystem(i.System))
            ?? patient.Identifier.FirstOrDefault();
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        return new MedComPatient(
            identifier?.Value,
            identifier?.System,
            MedComIdentifiers.IsReplacementCprSystem(identifier?.System),
            name is null ? null : string.Join(' ', name.Given),
            name?.Family);
    }

    private static CareCommunicationContent ReadCommunication(Communication communication, BundleIndex index)
    {
        var category = communication.Category.SelectMany(c => c.Coding).FirstOrDefault()?.Code;
        var priority = communication.Priority is { } p ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(p) : null;
        var segments = communication.Payload.Select(segment => ReadSegment(segment, index)).ToList();
        var episodeOfCare = communication.Encounter is { } encounter ? index.Resolve<Encounter>(encounter)?.EpisodeOfCare.FirstOrDefault()?.Identifier?.Value : null;
        return new CareCommunicationContent(
            communication.Identifier.FirstOrDefault()?.Value,
            category,
            communication.Topic?.Text,
            priority,
            segments,
            episodeOfCare);
    }

    private static PayloadSegment ReadSegment(Communication.PayloadComponent segment, BundleIndex index)
    {
        var identifier = segment.GetExtensionValue<Identifier>(IdentifierExtension);
        var date = segment.GetExtensionValue<FhirDateTime>(DateTimeExtension);
        var authorReference = segment.GetExtensionValue<ResourceReference>(PractitionerExtension);
        var contact = segment.GetExtensionValue<ContactPoint>(ContactExtension);
        MedComAttachment? attachment = null;
        string? text = null;
        switch (segment.Content)
        {
            case FhirString s:
                text = s.Value;
                break;
            case Attachment a:
                attachment = new MedComAttachment(a.ContentType, a.Title, ParseDate(a.Creation), a.Url, a.Data is null ? null : Convert.ToBase64String(a.Data));
                break;
        }

        return new PayloadSegment(
            identifier?.Value,
            identifier?.Assigner?.Reference,
            date?.TryToDateTimeOffset(out var when) == true ? when : null,
            ReadAuthor(authorReference, index),
            contact?.Value,
            text,
            attachment);
    }

    private static MedComAuthor? ReadAuthor(ResourceReference? reference, BundleIndex index)
    {
        if (reference is null)
        {
            return null;
        }

        var resource = index.Resolve(reference.Reference);
        var (role, practitioner) = resource switch
        {
            PractitionerRole r => (r, index.Resolve<Practitioner>(r.Practitioner)),
            Practitioner p => ((PractitionerRole?)null, p),
            _ => (null, null),
        };
        var name = practitioner?.Name.FirstOrDefault();
        var code = role?.Code.FirstOrDefault();
        return new MedComAuthor(
            role?.Id,
            code?.Coding.FirstOrDefault()?.Code,
            code?.Text,
            name is null ? null : string.Join(' ', name.Given),
            name?.Family);
    }

    private static MedComProvenance ReadProvenance(Provenance provenance) => new(
        provenance.Id,
        provenance.Target.FirstOrDefault()?.Reference,
        provenance.Activity?.Coding.FirstOrDefault()?.Code,
        (provenance.Occurred as FhirDateTime)?.TryToDateTimeOffset(out var when) == true ? when : provenance.Recorded,
        provenance.Agent.FirstOrDefault()?.Who?.Reference,
        provenance.Entity.Select(e => new ProvenanceEntity(
            e.Role is { } role ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(role) : null,
            e.What?.Reference,
            e.What?.Identifier?.Value)).ToList());

    private static MedComAcknowledgement ReadAcknowledgement(MessageHeader.ResponseComponent response, BundleIndex index)
    {
        var outcome = index.Resolve<OperationOutcome>(response.Details);
        var issues = outcome?.Issue.Select(i => new AcknowledgementIssue(
            i.Severity is { } s ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(s) : null,
            i.Code is { } c ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(c) : null,
            i.Details?.Coding.FirstOrDefault()?.Code,
            i.Details?.Text ?? i.Diagnostics)).ToList() ?? [];
        return new MedComAcknowledgement(
            response.Identifier,
            response.Code is { } code ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(code) : null,
            issues);
    }

    private static DateTimeOffset? ParseDate(string? value) =>
        value is not null && new FhirDateTime(value).TryToDateTimeOffset(out var when) ? when : null;
}
