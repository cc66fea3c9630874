using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Identifiers;
using MedComMailbox.MedCom.Terminology;
using static MedComMailbox.MedCom.Fhir.FhirParts;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>Who writes a segment: a person with a role (a code from MedCom's SKS list, or free text) and a phone number.</summary>
public sealed record SegmentAuthor(string GivenName, string FamilyName, string? RoleCode, string? RoleText, string Phone);

/// <summary>An attachment to send: MIME type from MedCom's list (pdf, images), a title, the bytes.</summary>
public sealed record OutgoingAttachment(string ContentType, string Title, ReadOnlyMemory<byte> Data, DateTimeOffset? Creation = null);

/// <summary>The text (and attachments) of one new segment.</summary>
public sealed record SegmentDraft(string Text, SegmentAuthor Author, IReadOnlyList<OutgoingAttachment>? Attachments = null);

/// <summary>A new CareCommunication from the mailbox to an organisation (a GP by location number).</summary>
public sealed record NewCareCommunicationDraft(
    string ReceiverGln,
    string ReceiverSorId,
    string? ReceiverName,
    string PatientCpr,
    string? PatientGivenName,
    string? PatientFamilyName,
    string Category,
    string? Topic,
    string? Priority,
    SegmentDraft Segment);

/// <summary>
/// Builds CareCommunication v5 messages from the mailbox: a reply to a received message (same communication
/// identifier, earlier segments repeated, earlier attachments by identifier only, a <c>reply-message</c>
/// Provenance pointing at the received MessageHeader) and a new message.
/// </summary>
public static class CareCommunicationBuilder
{
    private const string PatientProfile = CoreProfiles + "medcom-core-patient";
    private const string PractitionerRoleProfile = CoreProfiles + "medcom-core-practitionerrole";
    private const string PractitionerProfile = CoreProfiles + "medcom-core-practitioner";

    public static Bundle Reply(MedComFhirMessage received, SegmentDraft segment, MailboxIdentity us, DateTimeOffset now, Func<Guid>? newId = null)
    {
        newId ??= Guid.NewGuid;
        if (received.Kind != MedComMessageKind.CareCommunication || received.HeaderId is null || received.Sender is not { Gln: not null, SorId: not null })
        {
            throw new InvalidOperationException("Only a CareCommunication with a MessageHeader id and an addressable sender can be replied to.");
        }

        var original = received.Bundle;
        var originalCommunication = original.Entry.Select(e => e.Resource).OfType<Communication>().First();
        var bundle = NewBundle(newId, now);

        // Everything the earlier segments and Provenances refer to travels along with its id unchanged.
        var organizations = original.Entry.Select(e => e.Resource).OfType<Organization>().Select(o => (Organization)o.DeepCopy()).ToList();
        var them = organizations.First(o => o.Id == received.Sender.ResourceId);
        var ours = organizations.FirstOrDefault(o => o.Identifier.Any(i => MedComIdentifiers.IsGlnSystem(i.System) && i.Value == us.Gln));
        if (ours is null)
        {
            ours = Organization(Id(newId()), us.Gln, us.SorId, us.Name);
            organizations.Add(ours);
        }

        var header = Header(newId, received.SourceEndpoint ?? MedComIdentifiers.SorEndpoint(received.Sender.SorId!), them, ours, us);
        var patient = (Patient)original.Entry.Select(e => e.Resource).OfType<Patient>().First().DeepCopy();
        patient.Meta = new Meta { Profile = [PatientProfile] };

        var communication = (Communication)originalCommunication.DeepCopy();
        communication.Id = Id(newId());
        communication.Subject = Ref(patient);
        foreach (var earlier in communication.Payload)
        {
            if (earlier.Content is Attachment attachment)
            {
                // Earlier attachments are referred to by their segment identifier only; the bytes are not sent again.
                attachment.Data = null;
                attachment.Url = null;
                attachment.Size = null;
                attachment.Hash = null;
            }
        }

        header.Focus = [Ref(communication)];
        bundle.Add(CareCommunicationBase, header);
        bundle.Add(CareCommunicationBase, patient);
        bundle.Add(CareCommunicationBase, communication);

        foreach (var resource in original.Entry.Select(e => e.Resource).Where(r => r is PractitionerRole or Practitioner or CareTeam or Encounter).OfType<Resource>())
        {
            bundle.Add(CareCommunicationBase, (Resource)resource.DeepCopy());
        }

        var added = AddSegment(bundle, communication, segment, ours, now, newId);
        foreach (var organization in organizations)
        {
            bundle.Add(CareCommunicationBase, organization);
        }

        foreach (var earlier in original.Entry.Select(e => e.Resource).OfType<Provenance>())
        {
            bundle.Add(CareCommunicationBase, (Provenance)earlier.DeepCopy());
        }

        var provenance = Provenance(Id(newId()), CareCommunicationProfiles + "medcom-careCommunication-provenance", header, "reply-message", now, ours);
        provenance.Entity.AddRange(added.Select(Source));
        provenance.Entity.Add(Revision($"MessageHeader/{received.HeaderId}"));
        bundle.Add(CareCommunicationBase, provenance);
        return bundle;
    }

    public static Bundle New(NewCareCommunicationDraft draft, MailboxIdentity us, DateTimeOffset now, Func<Guid>? newId = null)
    {
        newId ??= Guid.NewGuid;
        var bundle = NewBundle(newId, now);
        var ours = Organization(Id(newId()), us.Gln, us.SorId, us.Name);
        var them = Organization(Id(newId()), draft.ReceiverGln, draft.ReceiverSorId, draft.ReceiverName);
        var header = Header(newId, MedComIdentifiers.SorEndpoint(draft.ReceiverSorId), them, ours, us);

        var patient = new Patient
        {
            Id = Id(newId()),
            Identifier = [new Identifier(MedComIdentifiers.CprSystem, draft.PatientCpr)],
            Name = draft.PatientFamilyName is null && draft.PatientGivenName is null
                ? []
                : [new HumanName { Use = HumanName.NameUse.Official, Family = draft.PatientFamilyName, Given = draft.PatientGivenName is null ? [] : draft.PatientGivenName.Split(' ', StringSplitOptions.RemoveEmptyEntries) }],
        }.WithProfile(PatientProfile);

        var communication = new Communication
        {
            Id = Id(newId()),
            Identifier = [new Identifier { Value = Urn(newId()) }],
            Status = EventStatus.Unknown,
            Category = [new CodeableConcept(MedComTerminology.CategorySystem, draft.Category)],
            Subject = Ref(patient),
            Topic = draft.Topic is null ? null : new CodeableConcept { Text = draft.Topic },
            Priority = draft.Priority is null ? null : Hl7.Fhir.Utility.EnumUtility.ParseLiteral<RequestPriority>(draft.Priority),
        }.WithProfile(CareCommunicationProfiles + "medcom-careCommunication-communication");

        header.Focus = [Ref(communication)];
        bundle.Add(CareCommunicationBase, header);
        bundle.Add(CareCommunicationBase, patient);
        bundle.Add(CareCommunicationBase, communication);
        var added = AddSegment(bundle, communication, draft.Segment, ours, now, newId);
        bundle.Add(CareCommunicationBase, ours);
        bundle.Add(CareCommunicationBase, them);

        var provenance = Provenance(Id(newId()), CareCommunicationProfiles + "medcom-careCommunication-provenance", header, "new-message", now, ours);
        provenance.Entity.AddRange(added.Select(Source));
        bundle.Add(CareCommunicationBase, provenance);
        return bundle;
    }

    private static Bundle NewBundle(Func<Guid> newId, DateTimeOffset now) =>
        new Bundle { Id = Id(newId()), Type = Bundle.BundleType.Message, Timestamp = now }
            .WithProfile(CareCommunicationProfiles + "medcom-careCommunication-message");

    private static MessageHeader Header(Func<Guid> newId, string destinationEndpoint, Organization receiver, Organization sender, MailboxIdentity us) => new MessageHeader
    {
        Id = Id(newId()),
        Event = new Coding(MedComTerminology.EventSystem, MedComFhirMessage.CareCommunicationEvent),
        Destination = [PrimaryDestination(destinationEndpoint, receiver)],
        Sender = Ref(sender),
        Source = new MessageHeader.MessageSourceComponent { Endpoint = MedComIdentifiers.SorEndpoint(us.SorId) },
        Definition = CareCommunicationDefinition,
    }.WithProfile(CareCommunicationProfiles + "medcom-careCommunication-messageHeader");

    /// <summary>Appends the text segment (and one segment per attachment) and returns their identifiers.</summary>
    private static List<string> AddSegment(Bundle bundle, Communication communication, SegmentDraft draft, Organization ours, DateTimeOffset now, Func<Guid> newId)
    {
        var practitioner = new Practitioner
        {
            Id = Id(newId()),
            Name = [new HumanName { Family = draft.Author.FamilyName, Given = draft.Author.GivenName.Split(' ', StringSplitOptions.RemoveEmptyEntries) }],
        }.WithProfile(PractitionerProfile);
        var role = new PractitionerRole
        {
            Id = Id(newId()),
            Practitioner = Ref(practitioner),
            Code = [draft.Author.RoleCode is { } code
                ? new CodeableConcept(MedComTerminology.PractitionerRoleSystem, code)
                : new CodeableConcept { Text = draft.Author.RoleText ?? "ukendt" }],
        }.WithProfile(PractitionerRoleProfile);
        bundle.Add(CareCommunicationBase, role);
        bundle.Add(CareCommunicationBase, practitioner);

        var added = new List<string>();
        Communication.PayloadComponent Segment(DataType content, bool withAuthor)
        {
            var identifier = Urn(newId());
            added.Add(identifier);
            var segment = new Communication.PayloadComponent { Content = content };
            segment.SetExtension(MedComFhirReader.DateTimeExtension, new FhirDateTime(now));
            segment.SetExtension(MedComFhirReader.IdentifierExtension, new Identifier { Value = identifier, Assigner = Ref(ours) });
            if (withAuthor)
            {
                segment.SetExtension(MedComFhirReader.PractitionerExtension, Ref(role));
                segment.SetExtension(MedComFhirReader.ContactExtension, new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, draft.Author.Phone));
            }

            return segment;
        }

        communication.Payload.Add(Segment(new FhirString(draft.Text), withAuthor: true));
        foreach (var attachment in draft.Attachments ?? [])
        {
            communication.Payload.Add(Segment(
                new Attachment
                {
                    ContentType = attachment.ContentType,
                    Title = attachment.Title,
                    Data = attachment.Data.ToArray(),
                    Creation = new FhirDateTime(attachment.Creation ?? now).Value,
                },
                withAuthor: true));
        }

        return added;
    }
}
