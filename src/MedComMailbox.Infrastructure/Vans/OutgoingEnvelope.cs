using MedComMailbox.MedCom;

namespace MedComMailbox.Infrastructure.Vans;

/// <summary>An outbound document in its VANS envelope, with the file name it gets in the provider's outbound folder.</summary>
public sealed record OutgoingEnvelope(string EnvelopeId, string FileName, byte[] Bytes)
{
    /// <summary>Wraps with a fresh envelope id (every send and every resend gets a new one).</summary>
    public static OutgoingEnvelope Wrap(IEnvelopeCodec codec, OutboundDocument document, string senderGln, string receiverGln, DateTimeOffset now)
    {
        var envelopeId = Guid.NewGuid().ToString("D");
        var label = Label(document);
        var fileName = $"{now.UtcDateTime:yyyyMMdd'T'HHmmssfff}-{label}-{envelopeId}.xml";
        return new OutgoingEnvelope(envelopeId, fileName, codec.Wrap(document, senderGln, receiverGln, envelopeId, now));
    }

    // A name an operator can read in a directory listing: ack-ok, ack-fatal-error, receipt-negative, carecommunication …
    private static string Label(OutboundDocument document)
    {
        var name = document.DocumentName;
        var hash = name.IndexOf('#', StringComparison.Ordinal);
        var code = hash >= 0 ? name[(hash + 1)..] : null;
        var label = document.Kind switch
        {
            MedComMessageKind.Acknowledgement => $"ack-{code}",
            MedComMessageKind.OioXmlReceipt => document.DocumentName == MedCom.OioXml.OioXmlCodes.NegativeReceiptDocumentName ? "receipt-negative" : "receipt-positive",
            MedComMessageKind.OioXmlLetter => "letter",
            MedComMessageKind.CareCommunication => "carecommunication",
            _ => "message",
        };
        return new string(label.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? char.ToLowerInvariant(c) : '-').ToArray());
    }
}
