using System.Xml.Linq;

namespace MedComMailbox.MedCom.OioXml;

/// <summary>
/// What a receipt refers to: the original envelope, its sender and receiver, and (when it could be read) the
/// original letter. The receiver is the location number the letter was addressed to.
/// </summary>
public sealed record OioXmlReceiptOriginal(string EnvelopeIdentifier, string SenderEan, string ReceiverEan, string? LetterIdentifier, string? LetterVersionCode)
{
    /// <summary>
    /// The references of a received letter, or null when it lacks what any receipt needs (its envelope number or
    /// its sender's location number): such a letter cannot be answered. <paramref name="ourEan"/> stands in for a
    /// missing receiver, since the letter reached our mailbox.
    /// </summary>
    public static OioXmlReceiptOriginal? From(OioXmlLetter letter, string ourEan) =>
        letter.Envelope.Identifier is { } envelope && letter.Sender.EanIdentifier is { } sender
            ? new(envelope, sender, letter.Receiver.EanIdentifier ?? ourEan, letter.Letter.Identifier, letter.Letter.VersionCode)
            : null;
}

/// <summary>
/// Builds the OIOXML receipts we owe a letter's sender: positive (PositiveReceipt, XC0330Q / XCTL03) when the
/// envelope asks for it, negative (NegativeReceipt, XC0230Q / XCTL02) when we reject the letter. Receipts exist
/// only in the 2005/08/07 namespace. They never ask for a receipt themselves (<c>minuspositivkvitt</c>).
/// </summary>
public sealed class OioXmlReceiptBuilder(Func<string>? newIdentifier = null)
{
    private static readonly XNamespace Ns = OioXmlCodes.Namespace2005;

    private readonly Func<string> _newIdentifier = newIdentifier ?? OioXmlIdentifiers.NewIdentifier;

    public OioXmlOutbound BuildPositive(OioXmlReceiptOriginal original, string ourEan, DateTimeOffset sentAt) =>
        Build(OioXmlReceiptKind.Positive, original, ourEan, sentAt, refusal: null);

    /// <summary>A negative receipt. The refusal is stated for the whole Emessage, where a receiver looks first.</summary>
    public OioXmlOutbound BuildNegative(OioXmlReceiptOriginal original, string ourEan, OioXmlRefuseCode refuseCode, string? refuseText, DateTimeOffset sentAt) =>
        Build(OioXmlReceiptKind.Negative, original, ourEan, sentAt, (refuseCode, refuseText));

    private OioXmlOutbound Build(OioXmlReceiptKind kind, OioXmlReceiptOriginal original, string ourEan, DateTimeOffset sentAt, (OioXmlRefuseCode Code, string? Text)? refusal)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentException.ThrowIfNullOrWhiteSpace(ourEan);

        var positive = kind == OioXmlReceiptKind.Positive;
        var version = positive ? OioXmlCodes.PositiveReceiptVersion : OioXmlCodes.NegativeReceiptVersion;
        var envelopeId = OioXmlIdentifiers.Next(_newIdentifier);
        var letterId = OioXmlIdentifiers.Next(_newIdentifier);

        var root = new XElement(Ns + "Emessage",
            OioXmlWriter.Envelope(Ns, sentAt, envelopeId, OioXmlCodes.NoPositiveReceipt),
            new XElement(Ns + (positive ? "PositiveReceipt" : "NegativeReceipt"),
                new XElement(Ns + "Letter",
                    new XElement(Ns + "Identifier", letterId),
                    new XElement(Ns + "VersionCode", version),
                    new XElement(Ns + "StatisticalCode", positive ? OioXmlCodes.PositiveReceiptStatistical : OioXmlCodes.NegativeReceiptStatistical)),
                Ean("Sender", ourEan),
                Ean("Receiver", original.SenderEan),
                new XElement(Ns + "OriginalEmessage",
                    new XElement(Ns + "OriginalEnvelopeIdentifier", original.EnvelopeIdentifier),
                    Ean("OriginalSender", original.SenderEan),
                    Ean("OriginalReceiver", original.ReceiverEan),
                    refusal is { } r ? new XElement(Ns + "RefuseCode", r.Code.ToCode()) : null,
                    refusal is { Text: { } text } && !string.IsNullOrWhiteSpace(text) ? new XElement(Ns + "RefuseText", OioXmlText.Write(text, Ns)) : null,
                    original.LetterIdentifier is { } letter
                        ? new XElement(Ns + "OriginalLetter",
                            new XElement(Ns + "OriginalLetterIdentifier", letter),
                            new XElement(Ns + "OriginalVersionCode", original.LetterVersionCode ?? OioXmlCodes.LetterVersion))
                        : null)));

        return new OioXmlOutbound(
            OioXmlWriter.ToBytes(root),
            MedComMessageKind.OioXmlReceipt,
            envelopeId,
            letterId,
            version,
            positive ? OioXmlCodes.PositiveReceiptDocumentName : OioXmlCodes.NegativeReceiptDocumentName,
            original.SenderEan);
    }

    private static XElement Ean(string name, string ean) => new(Ns + name, new XElement(Ns + "EANIdentifier", ean));
}
