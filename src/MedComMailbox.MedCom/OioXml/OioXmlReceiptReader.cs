using System.Xml.Linq;
using static MedComMailbox.MedCom.OioXml.OioXmlElements;

namespace MedComMailbox.MedCom.OioXml;

/// <summary>Reads a PositiveReceipt (XC0330Q) or NegativeReceipt (XC0230Q) that answers one of our letters, with its findings.</summary>
internal static class OioXmlReceiptReader
{
    internal static OioXmlReceipt ReadReceipt(XElement receipt, XNamespace ns, OioXmlEnvelope envelope, OioXmlReceiptKind kind, List<MedComIssue> issues)
    {
        var at = $"{Root}/{receipt.Name.LocalName}";
        var letter = receipt.Element(ns + "Letter");
        var identifier = Value(letter, ns + "Identifier");
        var version = Value(letter, ns + "VersionCode");
        if (identifier is null)
        {
            issues.Add(MedComErrors.OioXmlIdentifierMissing.At($"{at}/Letter/Identifier"));
        }

        var expected = kind == OioXmlReceiptKind.Positive ? OioXmlCodes.PositiveReceiptVersion : OioXmlCodes.NegativeReceiptVersion;
        if (version != expected)
        {
            issues.Add(MedComErrors.OioXmlVersionUnsupported.At($"{at}/Letter/VersionCode", SafeXml.Echo(version)));
        }

        var sender = Value(receipt.Element(ns + "Sender"), ns + "EANIdentifier");
        if (sender is null)
        {
            issues.Add(MedComErrors.OioXmlSenderMissing.At($"{at}/Sender/EANIdentifier"));
        }

        var receiver = Value(receipt.Element(ns + "Receiver"), ns + "EANIdentifier");
        if (receiver is null)
        {
            issues.Add(MedComErrors.OioXmlReceiverMissing.At($"{at}/Receiver/EANIdentifier"));
        }

        var original = receipt.Element(ns + "OriginalEmessage");
        var originalEnvelope = Value(original, ns + "OriginalEnvelopeIdentifier");
        if (originalEnvelope is null)
        {
            // Without it the receipt cannot be matched to anything we sent.
            issues.Add(MedComErrors.OioXmlIdentifierMissing.At($"{at}/OriginalEmessage/OriginalEnvelopeIdentifier"));
        }

        var originalLetters = original?.Elements(ns + "OriginalLetter")
            .Select(l => new OioXmlOriginalLetter(
                Value(l, ns + "OriginalLetterIdentifier"),
                Value(l, ns + "OriginalVersionCode"),
                OioXmlRefuseCodes.Parse(Value(l, ns + "RefuseCode")),
                FormattedValue(l.Element(ns + "RefuseText"))))
            .ToList() ?? [];

        return new OioXmlReceipt(
            kind,
            ns.NamespaceName,
            envelope,
            identifier,
            version,
            Value(letter, ns + "StatisticalCode"),
            sender,
            receiver,
            originalEnvelope,
            Value(original?.Element(ns + "OriginalSender"), ns + "EANIdentifier"),
            Value(original?.Element(ns + "OriginalReceiver"), ns + "EANIdentifier"),
            originalLetters,
            OioXmlRefuseCodes.Parse(Value(original, ns + "RefuseCode")) ?? originalLetters.Select(l => l.RefuseCode).FirstOrDefault(c => c is not null),
            FormattedValue(original?.Element(ns + "RefuseText")) ?? originalLetters.Select(l => l.RefuseText).FirstOrDefault(t => t is not null));
    }
}
