namespace MedComMailbox.MedCom.Envelopes;

/// <summary>MetaInformation/Document: what the payload is (Format XML/HL7/…, Name such as MCM:FDIS91#other, Version, size).</summary>
public sealed record VansDocument(string? Format, string? Name, string? Version, long? SizeInBytes);

public enum VansReceiptKind
{
    PositiveMessage,
    NegativeMessage,
    NegativeVans,
}

/// <summary>A VANS-level receipt (the envelope's Receipt element instead of a Message): the VANS network's own answer.</summary>
public sealed record VansReceipt(VansReceiptKind Kind, string? OriginalEnvelopeIdentifier, long? ErrorCode, string? ErrorDescription);

/// <summary>Everything a VANS envelope (urn:oio:medcom:vans-envelope:1.0.4) says, for callers that need more than <see cref="EnvelopeReadResult"/>.</summary>
public sealed record VansEnvelope(
    string? EnvelopeId,
    string? SenderId,
    string? ReceiverId,
    DateTimeOffset? SentAt,
    VansDocument? Document,
    string? MimeType,
    ReadOnlyMemory<byte> Payload,
    VansReceipt? Receipt,
    IReadOnlyList<MedComIssue> Issues)
{
    public bool IsReceipt => Receipt is not null;

    public EnvelopeReadResult ToEnvelopeReadResult() =>
        new(EnvelopeId, SenderId, ReceiverId, IsReceipt ? VansEnvelopeCodec.ReceiptDocumentName : Document?.Name, MimeType, Payload, Issues);
}
