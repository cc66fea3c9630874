using Hl7.Fhir.Model;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>An Organization as MedCom addresses it: GLN (location number) and SOR id.</summary>
public sealed record MedComOrganization(string? ResourceId, string? Gln, string? GlnSystem, string? SorId, string? Name);

/// <summary>The patient: a CPR number or a replacement CPR. Personal data: never log.</summary>
public sealed record MedComPatient(string? Identifier, string? IdentifierSystem, bool IsReplacementCpr, string? GivenName, string? FamilyName)
{
    public string? DisplayName => string.Join(' ', new[] { GivenName, FamilyName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } n ? n : null;
}

/// <summary>The author of a payload segment: a PractitionerRole (role code or text) and its Practitioner's name.</summary>
public sealed record MedComAuthor(string? PractitionerRoleId, string? RoleCode, string? RoleText, string? GivenName, string? FamilyName)
{
    public string? DisplayName => string.Join(' ', new[] { GivenName, FamilyName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } n ? n : null;
}

/// <summary>An attachment segment. <see cref="Data"/> is base64 as on the wire (null when referred to by identifier only).</summary>
public sealed record MedComAttachment(string? ContentType, string? Title, DateTimeOffset? Creation, string? Url, string? Data)
{
    /// <summary>The decoded size in bytes (base64 padding subtracted), null when the bytes are not in the message.</summary>
    public int? Size => Data is null ? null : (int)((Data.Length * 3L / 4) - (Data.EndsWith("==", StringComparison.Ordinal) ? 2 : Data.EndsWith('=') ? 1 : 0));
}

/// <summary>One payload segment of a CareCommunication: text or attachment, with its own identifier, time, author and phone.</summary>
public sealed record PayloadSegment(string? Identifier, string? AssignerReference, DateTimeOffset? Date, MedComAuthor? Author, string? Phone, string? Text, MedComAttachment? Attachment)
{
    public bool IsAttachment => Attachment is not null;
}

/// <summary>The Communication of a CareCommunication message.</summary>
public sealed record CareCommunicationContent(
    string? CommunicationId,
    string? Category,
    string? Topic,
    string? Priority,
    IReadOnlyList<PayloadSegment> Segments,
    string? EpisodeOfCareIdentifier);

/// <summary>One entity of a Provenance: role source (a segment identifier) or revision (the previous message).</summary>
public sealed record ProvenanceEntity(string? Role, string? Reference, string? Identifier);

/// <summary>A Provenance of the message's history.</summary>
public sealed record MedComProvenance(string? Id, string? Target, string? Activity, DateTimeOffset? Occurred, string? AgentReference, IReadOnlyList<ProvenanceEntity> Entities)
{
    /// <summary>The previous message: <c>MessageHeader/&lt;id&gt;</c>, or an OIOXML <c>location#letter</c> (either order) carried as an identifier.</summary>
    public string? Revision => Entities.FirstOrDefault(e => e.Role == "revision") is { } e ? e.Reference ?? e.Identifier : null;

    public IEnumerable<string> SourceIdentifiers => Entities.Where(e => e.Role == "source" && e.Identifier is not null).Select(e => e.Identifier!);
}

/// <summary>One issue of an acknowledgement's OperationOutcome.</summary>
public sealed record AcknowledgementIssue(string? Severity, string? Code, string? DetailCode, string? Text);

/// <summary>The acknowledgement part of an acknowledgement message.</summary>
public sealed record MedComAcknowledgement(string? ResponseIdentifier, string? Code, IReadOnlyList<AcknowledgementIssue> Issues);

/// <summary>
/// A MedCom FHIR message read into a typed model. Tolerant: every field is null when absent, so a
/// broken message still yields what is needed to address a negative acknowledgement.
/// </summary>
public sealed record MedComFhirMessage(
    Bundle Bundle,
    string? BundleId,
    DateTimeOffset? Timestamp,
    string? HeaderId,
    string? EventCode,
    string? Definition,
    MedComOrganization? Sender,
    MedComOrganization? Receiver,
    string? ReceiverEndpoint,
    string? SourceEndpoint,
    MedComPatient? Patient,
    CareCommunicationContent? CareCommunication,
    IReadOnlyList<MedComProvenance> Provenances,
    MedComAcknowledgement? Acknowledgement)
{
    public const string CareCommunicationEvent = "care-communication-message";
    public const string AcknowledgementEvent = "acknowledgement-message";

    public MedComMessageKind Kind => EventCode switch
    {
        CareCommunicationEvent => MedComMessageKind.CareCommunication,
        AcknowledgementEvent => MedComMessageKind.Acknowledgement,
        _ => MedComMessageKind.Unknown,
    };

    /// <summary>The Provenance that describes this message itself (its target is this MessageHeader).</summary>
    public MedComProvenance? LatestProvenance => HeaderId is null
        ? null
        : Provenances.LastOrDefault(p => p.Target is not null && ReferenceId(p.Target) == HeaderId);

    public string? Activity => LatestProvenance?.Activity;

    public string? Predecessor => LatestProvenance?.Revision;

    internal static string? ReferenceId(string reference)
    {
        var slash = reference.LastIndexOf('/');
        var id = slash >= 0 ? reference[(slash + 1)..] : reference;
        return id.StartsWith("urn:uuid:", StringComparison.Ordinal) ? id["urn:uuid:".Length..] : id;
    }
}
