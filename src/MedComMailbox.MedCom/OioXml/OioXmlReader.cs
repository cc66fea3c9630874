using System.Xml.Linq;
using static MedComMailbox.MedCom.OioXml.OioXmlElements;

namespace MedComMailbox.MedCom.OioXml;

/// <summary>
/// Reads the legacy OIOXML correspondence letter (Emessage with a ClinicalEmail, XDIS91 version XD9134L) and
/// the receipts that answer our letters (PositiveReceipt XC0330Q, NegativeReceipt XC0230Q). Accepts the
/// 2006/07/01 and 2005/08/07 namespaces. Never throws on bad input: every problem is a finding.
/// </summary>
public static class OioXmlReader
{
    public static OioXmlReadResult Read(ReadOnlyMemory<byte> body) =>
        SafeXml.TryLoad(body, out var document, out var issue) ? Read(document!) : new OioXmlReadResult(null, null, [issue!]);

    public static OioXmlReadResult Read(XDocument document)
    {
        var root = document.Root;
        if (root is null || root.Name.LocalName != Root)
        {
            return Failed(MedComErrors.FormatUnknown.At(detail: SafeXml.Echo(root?.Name.LocalName)));
        }

        XNamespace ns = root.Name.NamespaceName;
        if (!OioXmlCodes.IsSupportedNamespace(ns.NamespaceName))
        {
            return Failed(MedComErrors.OioXmlVersionUnsupported.At(Root, $"namespace {SafeXml.Echo(ns.NamespaceName)}"));
        }

        var issues = new List<MedComIssue>();
        var envelope = ReadEnvelope(root.Element(ns + "Envelope"), ns, issues);
        var letters = root.Elements().Where(e => e.Name != ns + "Envelope" && e.Name.LocalName != "Local_Elements").ToList();
        if (letters.Count != 1)
        {
            // The schema allows several letters per Emessage, but correspondence is sent one letter per envelope
            // and a receipt answers one envelope; refusing the rare bundle is clearer than answering half of it.
            issues.Add(MedComErrors.OioXmlVersionUnsupported.At(Root, letters.Count == 0 ? "the Emessage holds no letter" : "more than one letter in one Emessage"));
            return new OioXmlReadResult(null, null, issues);
        }

        var content = letters[0];
        if (content.Name.Namespace != ns)
        {
            issues.Add(MedComErrors.OioXmlVersionUnsupported.At($"{Root}/{SafeXml.Echo(content.Name.LocalName)}", $"namespace {SafeXml.Echo(content.Name.NamespaceName)}"));
            return new OioXmlReadResult(null, null, issues);
        }

        switch (content.Name.LocalName)
        {
            case "ClinicalEmail":
                var letter = OioXmlLetterReader.ReadLetter(content, ns, envelope, issues);
                return new OioXmlReadResult(letter, null, issues);
            case "PositiveReceipt":
                return new OioXmlReadResult(null, OioXmlReceiptReader.ReadReceipt(content, ns, envelope, OioXmlReceiptKind.Positive, issues), issues);
            case "NegativeReceipt":
                return new OioXmlReadResult(null, OioXmlReceiptReader.ReadReceipt(content, ns, envelope, OioXmlReceiptKind.Negative, issues), issues);
            default:
                issues.Add(MedComErrors.OioXmlVersionUnsupported.At($"{Root}/{SafeXml.Echo(content.Name.LocalName)}", SafeXml.Echo(content.Name.LocalName)));
                return new OioXmlReadResult(null, null, issues);
        }
    }

    /// <summary>The VersionCode and StatisticalCode of the (first) letter of an Emessage, for the VANS envelope; null when absent.</summary>
    internal static (string? VersionCode, string? StatisticalCode) LetterCodes(XDocument document)
    {
        var root = document.Root;
        var ns = root?.Name.Namespace ?? XNamespace.None;
        var header = root?.Elements().FirstOrDefault(e => e.Name != ns + "Envelope")?.Element(ns + "Letter");
        return (Value(header, ns + "VersionCode"), Value(header, ns + "StatisticalCode"));
    }

    private static OioXmlEnvelope ReadEnvelope(XElement? envelope, XNamespace ns, List<MedComIssue> issues)
    {
        var identifier = Value(envelope, ns + "Identifier");
        if (identifier is null)
        {
            issues.Add(MedComErrors.OioXmlIdentifierMissing.At($"{Root}/Envelope/Identifier"));
        }

        return new OioXmlEnvelope(Instant(envelope?.Element(ns + "Sent"), ns), identifier, Value(envelope, ns + "AcknowledgementCode"));
    }

    private static OioXmlReadResult Failed(MedComIssue issue) => new(null, null, [issue]);
}
