using System.Globalization;
using System.Xml.Linq;
using MedComMailbox.MedCom.Identifiers;

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

/// <summary>
/// Reads the legacy OIOXML correspondence letter (Emessage with a ClinicalEmail, XDIS91 version XD9134L) and
/// the receipts that answer our letters (PositiveReceipt XC0330Q, NegativeReceipt XC0230Q). Accepts the
/// 2006/07/01 and 2005/08/07 namespaces. Never throws on bad input: every problem is a finding.
/// </summary>
public static class OioXmlReader
{
    private const string Root = "Emessage";

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
                var letter = ReadLetter(content, ns, envelope, issues);
                return new OioXmlReadResult(letter, null, issues);
            case "PositiveReceipt":
                return new OioXmlReadResult(null, ReadReceipt(content, ns, envelope, OioXmlReceiptKind.Positive, issues), issues);
            case "NegativeReceipt":
                return new OioXmlReadResult(null, ReadReceipt(content, ns, envelope, OioXmlReceiptKind.Negative, issues), issues);
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

    private static OioXmlLetter ReadLetter(XElement email, XNamespace ns, OioXmlEnvelope envelope, List<MedComIssue> issues)
    {
        const string at = Root + "/ClinicalEmail";
        var header = ReadHeader(email.Element(ns + "Letter"), ns);
        if (header.Identifier is null)
        {
            issues.Add(MedComErrors.OioXmlIdentifierMissing.At($"{at}/Letter/Identifier"));
        }

        if (header.VersionCode != OioXmlCodes.LetterVersion || header.TypeCode != OioXmlCodes.LetterType)
        {
            issues.Add(MedComErrors.OioXmlVersionUnsupported.At($"{at}/Letter", $"VersionCode {SafeXml.Echo(header.VersionCode)}, TypeCode {SafeXml.Echo(header.TypeCode)}"));
        }

        var sender = ReadParty(email.Element(ns + "Sender"), ns);
        if (sender.EanIdentifier is null)
        {
            issues.Add(MedComErrors.OioXmlSenderMissing.At($"{at}/Sender/EANIdentifier"));
        }

        var receiver = ReadParty(email.Element(ns + "Receiver"), ns);
        if (receiver.EanIdentifier is null)
        {
            issues.Add(MedComErrors.OioXmlReceiverMissing.At($"{at}/Receiver/EANIdentifier"));
        }

        var patient = ReadPatient(email.Element(ns + "Patient"), ns);
        CheckPatient(patient, $"{at}/Patient", issues);

        var texts = email.Elements(ns + "ClinicalInformation")
            .Select(info => info.Element(ns + "Text01"))
            .OfType<XElement>()
            .Select(OioXmlText.Read)
            .Where(text => !string.IsNullOrWhiteSpace(text))
            .ToList();
        if (texts.Count == 0)
        {
            issues.Add(MedComErrors.OioXmlTextMissing.At($"{at}/ClinicalInformation"));
        }

        var additional = email.Element(ns + "AdditionalInformation");
        return new OioXmlLetter(
            ns.NamespaceName,
            envelope,
            header,
            sender,
            receiver,
            patient,
            Value(additional, ns + "Priority"),
            Value(additional, ns + "Subject"),
            texts,
            email.Elements(ns + "Reference").Select(r => ReadReference(r, ns)).ToList());
    }

    private static void CheckPatient(OioXmlPatient patient, string at, List<MedComIssue> issues)
    {
        if (patient.CivilRegistrationNumber is { } cpr)
        {
            if (!MedComIdentifiers.IsValidCpr(cpr))
            {
                issues.Add(MedComErrors.CprInvalid.At($"{at}/CivilRegistrationNumber"));
            }
        }
        else if (patient.AlternativeIdentifier is null)
        {
            // A replacement CPR is accepted as it is (ADR 0004): its format varies between issuers.
            issues.Add(MedComErrors.OioXmlPatientMissing.At($"{at}/CivilRegistrationNumber"));
        }
    }

    private static OioXmlReceipt ReadReceipt(XElement receipt, XNamespace ns, OioXmlEnvelope envelope, OioXmlReceiptKind kind, List<MedComIssue> issues)
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

    private static OioXmlLetterHeader ReadHeader(XElement? letter, XNamespace ns) => new(
        Value(letter, ns + "Identifier"),
        Value(letter, ns + "VersionCode"),
        Value(letter, ns + "StatisticalCode"),
        Instant(letter?.Element(ns + "Authorisation"), ns),
        Value(letter, ns + "TypeCode"),
        Value(letter, ns + "StatusCode"),
        Value(letter, ns + "EpisodeOfCareIdentifier"));

    private static OioXmlParty ReadParty(XElement? party, XNamespace ns) => party is null ? OioXmlParty.Empty : new(
        Value(party, ns + "EANIdentifier"),
        Value(party, ns + "Identifier"),
        Value(party, ns + "IdentifierCode"),
        Value(party, ns + "OrganisationName"),
        Value(party, ns + "DepartmentName"),
        Value(party, ns + "UnitName"),
        Value(party, ns + "TelephoneSubscriberIdentifier"),
        Value(party, ns + "MedicalSpecialityCode"));

    private static OioXmlPatient ReadPatient(XElement? patient, XNamespace ns) => patient is null ? OioXmlPatient.Empty : new(
        Value(patient, ns + "CivilRegistrationNumber"),
        Value(patient, ns + "AlternativeIdentifier"),
        Value(patient, ns + "PersonSurnameName"),
        Value(patient, ns + "PersonGivenName"),
        Value(patient, ns + "EpisodeOfCareStatusCode"));

    private static OioXmlReference ReadReference(XElement reference, XNamespace ns)
    {
        var bin = reference.Element(ns + "BIN");
        var binary = bin is null ? null : new OioXmlBinaryObject(
            Value(bin, ns + "ObjectIdentifier"),
            Value(bin, ns + "ObjectCode"),
            Value(bin, ns + "ObjectExtensionCode"),
            long.TryParse(Value(bin, ns + "OriginalObjectSize"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null);
        return new OioXmlReference(
            Value(reference, ns + "RefDescription"),
            Value(reference, ns + "URL"),
            Value(reference, ns + "SUP") == "true",
            binary);
    }

    private static DateTimeOffset? Instant(XElement? dateTime, XNamespace ns) =>
        dateTime is null ? null : CopenhagenTime.Parse(Value(dateTime, ns + "Date"), Value(dateTime, ns + "Time"));

    // A simple value has no child elements; one that has is not a value (and XElement.Value would concatenate its descendants).
    private static string? Value(XElement? parent, XName name) =>
        parent?.Element(name) is { HasElements: false } element && element.Value.Trim() is { Length: > 0 } value ? value : null;

    private static string? FormattedValue(XElement? element) =>
        element is null ? null : OioXmlText.Read(element) is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static OioXmlReadResult Failed(MedComIssue issue) => new(null, null, [issue]);
}
