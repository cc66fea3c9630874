// Contract between the MedCom library and the intake: what a received message says about itself,
// and what the intake needs to answer it. Implemented by InboundReader / Responder.
namespace MedComMailbox.MedCom;

/// <summary>One of our own mailboxes: a location number (GLN/EAN), a SOR id and a display name.</summary>
public sealed record MailboxIdentity(string Gln, string SorId, string Name);

/// <summary>
/// The metadata the intake stores and routes on. Every field is nullable because a broken message may
/// reveal only some of it; what could be read is filled in so a negative acknowledgement can be addressed.
/// </summary>
public sealed record InboundMessageSummary
{
    public MedComMessageKind Kind { get; init; }
    public MedComSyntax Syntax { get; init; }

    /// <summary>FHIR: MessageHeader.id. OIOXML: the letter identifier. The duplicate key with <see cref="EnvelopeId"/> for OIOXML.</summary>
    public string? MessageId { get; init; }

    /// <summary>FHIR: Bundle.id (a reused Bundle id with a new header id is an error).</summary>
    public string? BundleId { get; init; }

    /// <summary>The VANS envelope id, or the OIOXML Emessage/Envelope/Identifier.</summary>
    public string? EnvelopeId { get; init; }

    public string? SenderGln { get; init; }
    public string? SenderSor { get; init; }
    public string? SenderName { get; init; }
    /// <summary>FHIR: MessageHeader.source.endpoint (where the acknowledgement goes).</summary>
    public string? SenderEndpoint { get; init; }
    public string? ReceiverGln { get; init; }
    public string? ReceiverSor { get; init; }
    public string? ReceiverName { get; init; }

    /// <summary>CPR or replacement CPR of the patient. Personal data: never log.</summary>
    public string? PatientCpr { get; init; }
    /// <summary>Patient name. Personal data: never log.</summary>
    public string? PatientName { get; init; }

    /// <summary>CareCommunication category code (e.g. <c>regarding-referral</c>); for OIOXML the letter type code.</summary>
    public string? Category { get; init; }
    public string? Topic { get; init; }
    public string? Priority { get; init; }

    /// <summary>CareCommunication Communication.identifier (a urn:uuid:), the thread key.</summary>
    public string? CommunicationId { get; init; }

    /// <summary>The predecessor: <c>MessageHeader/&lt;id&gt;</c> or <c>&lt;location number&gt;#&lt;letter id&gt;</c>.</summary>
    public string? PredecessorReference { get; init; }

    /// <summary>The latest Provenance activity code: new-message, reply-message, forward-message, acknowledgement …</summary>
    public string? Activity { get; init; }

    /// <summary>Acknowledgements and receipts: the id of the message they answer, and their code (ok / transient-error / fatal-error, or positive / negative).</summary>
    public string? AcknowledgedMessageId { get; init; }
    public string? AcknowledgementCode { get; init; }

    /// <summary>OIOXML: the envelope asks for a positive receipt (<c>pluspositivkvitt</c>).</summary>
    public bool PositiveReceiptRequested { get; init; }

    public DateTimeOffset? SentAt { get; init; }
}

/// <summary>The result of reading one inbound body: what it is, what is wrong with it, and the parsed form for the responder.</summary>
public sealed record InboundReadResult(
    InboundMessageSummary Summary,
    IReadOnlyList<MedComIssue> Issues,
    ReadOnlyMemory<byte> Payload,
    object? Parsed)
{
    public bool IsValid => !Issues.Any(i => i.IsBlocking);
}

/// <summary>The acknowledgement outcome in MedCom terms (see docs/adr on the AE/AR mapping).</summary>
public enum AcknowledgementOutcome
{
    Ok,
    TransientError,
    FatalError,
}

/// <summary>A document ready to go out through the VANS provider.</summary>
public sealed record OutboundDocument(
    string MessageId,
    MedComMessageKind Kind,
    MedComSyntax Syntax,
    string ContentType,
    ReadOnlyMemory<byte> Body,
    string DocumentName,
    string? ReceiverGln);

/// <summary>Reads an inbound body (VANS envelope, bare FHIR JSON/XML, or OIOXML) into a summary and issues. Never throws on bad input.</summary>
public interface IInboundMessageReader
{
    InboundReadResult Read(ReadOnlyMemory<byte> body, string? contentType);
}

/// <summary>Builds the answer to a received message: a FHIR acknowledgement or an OIOXML receipt. Returns null when no answer is due.</summary>
public interface IAcknowledgementFactory
{
    OutboundDocument? CreateAcknowledgement(
        InboundReadResult received,
        AcknowledgementOutcome outcome,
        IReadOnlyList<MedComIssue> issues,
        MailboxIdentity us,
        DateTimeOffset now);
}

/// <summary>Wraps and unwraps the transport envelope (VANS today, SBDH/EHMI later).</summary>
public interface IEnvelopeCodec
{
    /// <summary>True when the body looks like this codec's envelope.</summary>
    bool CanUnwrap(ReadOnlySpan<byte> body);

    /// <summary>Unwraps an envelope. Issues describe an envelope that cannot be read.</summary>
    EnvelopeReadResult Unwrap(ReadOnlyMemory<byte> body);

    /// <summary>Wraps an outbound document for the receiver, with a fresh envelope id.</summary>
    byte[] Wrap(OutboundDocument document, string senderGln, string receiverGln, string envelopeId, DateTimeOffset sentAt);
}

public sealed record EnvelopeReadResult(
    string? EnvelopeId,
    string? SenderId,
    string? ReceiverId,
    string? DocumentName,
    string? MimeType,
    ReadOnlyMemory<byte> Payload,
    IReadOnlyList<MedComIssue> Issues);
