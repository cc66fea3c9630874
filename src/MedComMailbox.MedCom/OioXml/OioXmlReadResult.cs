namespace MedComMailbox.MedCom.OioXml;

/// <summary>What reading an OIOXML body gave: a letter, a receipt or neither, and the findings.</summary>
public sealed record OioXmlReadResult(OioXmlLetter? Letter, OioXmlReceipt? Receipt, IReadOnlyList<MedComIssue> Issues)
{
    public bool IsValid => !Issues.Any(i => i.IsBlocking);

    public MedComMessageKind Kind => Letter is not null ? MedComMessageKind.OioXmlLetter
        : Receipt is not null ? MedComMessageKind.OioXmlReceipt
        : MedComMessageKind.Unknown;

    /// <summary>The metadata the intake stores and routes on; personal data included, as in every summary.</summary>
    public InboundMessageSummary ToSummary()
    {
        if (Receipt is { } receipt)
        {
            return new InboundMessageSummary
            {
                Kind = MedComMessageKind.OioXmlReceipt,
                Syntax = MedComSyntax.OioXml,
                MessageId = receipt.LetterIdentifier,
                EnvelopeId = receipt.Envelope.Identifier,
                SenderGln = receipt.SenderEan,
                ReceiverGln = receipt.ReceiverEan,
                AcknowledgedMessageId = receipt.OriginalLetters.Count > 0 ? receipt.OriginalLetters[0].Identifier : null,
                AcknowledgementCode = receipt.Kind == OioXmlReceiptKind.Positive ? "positive" : "negative",
                SentAt = receipt.Envelope.Sent,
            };
        }

        var letter = Letter;
        return new InboundMessageSummary
        {
            Kind = Kind,
            Syntax = MedComSyntax.OioXml,
            MessageId = letter?.Letter.Identifier,
            EnvelopeId = letter?.Envelope.Identifier,
            SenderGln = letter?.Sender.EanIdentifier,
            SenderName = letter?.Sender.OrganisationName,
            ReceiverGln = letter?.Receiver.EanIdentifier,
            ReceiverName = letter?.Receiver.OrganisationName,
            PatientCpr = letter?.Patient.Identifier,
            PatientName = letter?.Patient.DisplayName,
            Category = letter?.Letter.TypeCode,
            Topic = letter?.Subject,
            Priority = letter?.Priority,
            PositiveReceiptRequested = letter?.Envelope.PositiveReceiptRequested ?? false,
            SentAt = letter?.Envelope.Sent,
        };
    }

    /// <summary>The intake's view of this body: summary, findings, the body itself and the parsed letter or receipt.</summary>
    public InboundReadResult ToInboundReadResult(ReadOnlyMemory<byte> body) =>
        new(ToSummary(), Issues, body, (object?)Letter ?? Receipt);
}
