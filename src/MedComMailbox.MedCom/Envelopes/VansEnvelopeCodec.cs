using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using MedComMailbox.MedCom.OioXml;

namespace MedComMailbox.MedCom.Envelopes;

/// <summary>
/// The VANS envelope, version 1.0.4: FHIR travels base64-encoded in Message/Data with its MIME type in the
/// <c>MCM:MIME</c> service tag; OIOXML travels the same way with Format XML. Sits behind
/// <see cref="IEnvelopeCodec"/> so the SBDH envelope of EHMI can replace it (ADR 0003).
/// </summary>
public sealed partial class VansEnvelopeCodec : IEnvelopeCodec
{
    public const string Namespace = "urn:oio:medcom:vans-envelope:1.0.4";
    public const string MimeServiceTag = "MCM:MIME";

    /// <summary>The document name <see cref="Unwrap"/> reports for a VANS-level receipt, which has no payload.</summary>
    public const string ReceiptDocumentName = "VANS:Receipt";

    private const string Root = "VANSEnvelope";
    private const int SniffWindow = 64 * 1024;
    private static readonly XNamespace Ns = Namespace;

    /// <summary>
    /// True when the first element is a VANSEnvelope (in any namespace, so a wrong version gets a clear finding from
    /// <see cref="Unwrap"/>). Uses a real XML reader on the head of the body: a comment before the root may itself
    /// contain markup, as in MedCom's published envelope example.
    /// </summary>
    public bool CanUnwrap(ReadOnlySpan<byte> body)
    {
        var head = body[..Math.Min(body.Length, SniffWindow)].ToArray();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(head), SafeXml.CreateReaderSettings());
            return reader.MoveToContent() == XmlNodeType.Element && reader.LocalName == Root;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    public EnvelopeReadResult Unwrap(ReadOnlyMemory<byte> body) => Read(body).ToEnvelopeReadResult();

    /// <summary>Reads an envelope, VANS receipts included. Never throws on bad input.</summary>
    public VansEnvelope Read(ReadOnlyMemory<byte> body)
    {
        if (!SafeXml.TryLoad(body, out var document, out var loadIssue))
        {
            var issue = loadIssue!.Code == MedComErrors.XmlDtdForbidden.Code ? loadIssue : MedComErrors.EnvelopeInvalid.At(Root, loadIssue.TextEn);
            return Empty([issue]);
        }

        var root = document!.Root!;
        if (root.Name != Ns + Root)
        {
            return Empty([MedComErrors.EnvelopeInvalid.At(Root, $"root element {SafeXml.Echo(root.Name.LocalName)} in namespace '{SafeXml.Echo(root.Name.NamespaceName)}'")]);
        }

        var issues = new List<MedComIssue>();
        var envelopeId = Required(root, "EnvelopeIdentifier", issues);
        var senderId = Required(root, "SenderID", issues);
        var receiverId = Required(root, "ReceiverID", issues);
        var sentAt = CopenhagenTime.ParseXmlDateTime(Value(root, "SentDateTime"));

        if (root.Element(Ns + "Receipt") is { } receiptElement)
        {
            return new VansEnvelope(envelopeId, senderId, receiverId, sentAt, null, null, ReadOnlyMemory<byte>.Empty, ReadReceipt(receiptElement), issues);
        }

        var message = root.Element(Ns + "Message");
        var meta = message?.Element(Ns + "MetaInformation");
        var documentElement = meta?.Element(Ns + "Document");
        var vansDocument = documentElement is null ? null : new VansDocument(
            Value(documentElement, "Format"),
            Value(documentElement, "Name"),
            Value(documentElement, "Version"),
            long.TryParse(Value(documentElement, "SizeInBytes"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null);
        var mime = MediaType(meta?.Element(Ns + "Transport")?.Elements(Ns + "ServiceTag")
            .FirstOrDefault(t => (string?)t.Attribute("name") == MimeServiceTag && !t.HasElements)?.Value);

        if (vansDocument?.Format == "HL7" && mime is not (ContentSniffer.FhirJson or ContentSniffer.FhirXml))
        {
            issues.Add(MedComErrors.EnvelopeMimeUnsupported.At($"{Root}/Message/MetaInformation/Transport/ServiceTag[@name='{MimeServiceTag}']", SafeXml.Echo(mime)));
        }

        var payload = Decode(message?.Element(Ns + "Data"), issues);
        return new VansEnvelope(envelopeId, senderId, receiverId, sentAt, vansDocument, mime, payload, null, issues);
    }

    /// <summary>
    /// Wraps a document: FHIR as Format HL7 with its MIME type in <c>MCM:MIME</c>, OIOXML as Format XML with the
    /// letter's version. <paramref name="envelopeId"/> must be a UUID (a resend gets a new one); it also serves
    /// as the MetaInformation identifier, as in MedCom's examples.
    /// </summary>
    public byte[] Wrap(OutboundDocument document, string senderGln, string receiverGln, string envelopeId, DateTimeOffset sentAt)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrWhiteSpace(senderGln);
        ArgumentException.ThrowIfNullOrWhiteSpace(receiverGln);
        if (envelopeId is null || !Uuid().IsMatch(envelopeId))
        {
            throw new ArgumentException("The envelope identifier must be a UUID.", nameof(envelopeId));
        }

        var (format, name, version, mime) = Describe(document);
        var root = new XElement(Ns + Root,
            new XElement(Ns + "SenderID", new XAttribute("EndPointType", "EAN"), senderGln),
            new XElement(Ns + "ReceiverID", new XAttribute("EndPointType", "EAN"), receiverGln),
            new XElement(Ns + "EnvelopeIdentifier", envelopeId),
            new XElement(Ns + "SentDateTime", CopenhagenTime.FormatXmlDateTime(sentAt)),
            new XElement(Ns + "Message",
                new XElement(Ns + "MetaInformation",
                    new XElement(Ns + "Identifier", envelopeId),
                    new XElement(Ns + "Document",
                        new XElement(Ns + "Format", format),
                        new XElement(Ns + "Name", name),
                        version is null ? null : new XElement(Ns + "Version", version),
                        new XElement(Ns + "SizeInBytes", document.Body.Length.ToString(CultureInfo.InvariantCulture))),
                    new XElement(Ns + "Transport",
                        new XElement(Ns + "Type", "reliable"),
                        new XElement(Ns + "TransformMessage", "false"),
                        mime is null ? null : new XElement(Ns + "ServiceTag", new XAttribute("name", MimeServiceTag), mime))),
                new XElement(Ns + "Data", Convert.ToBase64String(document.Body.Span))));

        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            new XDocument(new XDeclaration("1.0", "UTF-8", null), root).Save(writer);
        }

        return stream.ToArray();
    }

    private static (string Format, string Name, string? Version, string? Mime) Describe(OutboundDocument document)
    {
        switch (document.Syntax)
        {
            case MedComSyntax.FhirJson or MedComSyntax.FhirXml:
                ArgumentException.ThrowIfNullOrWhiteSpace(document.DocumentName);
                ArgumentException.ThrowIfNullOrWhiteSpace(document.ContentType);
                return ("HL7", document.DocumentName, null, document.ContentType);
            case MedComSyntax.OioXml:
                if (!SafeXml.TryLoad(document.Body, out var xml, out _))
                {
                    throw new ArgumentException("The OIOXML body is not well-formed XML.", nameof(document));
                }

                var (versionCode, statisticalCode) = OioXmlReader.LetterCodes(xml!);
                var name = !string.IsNullOrWhiteSpace(document.DocumentName) ? document.DocumentName
                    : statisticalCode is not null ? "MCM:" + statisticalCode
                    : throw new ArgumentException("The OIOXML document has no document name and no StatisticalCode.", nameof(document));
                return ("XML", name, versionCode, null);
            default:
                throw new ArgumentException($"A {document.Syntax} document cannot be put in a VANS envelope.", nameof(document));
        }
    }

    private static VansReceipt ReadReceipt(XElement receipt)
    {
        var inner = receipt.Elements().FirstOrDefault();
        var kind = inner?.Name.LocalName switch
        {
            "PositiveMessage" => VansReceiptKind.PositiveMessage,
            "NegativeMessage" => VansReceiptKind.NegativeMessage,

            // NegativeVans, or a receipt we do not recognise: read as a failure, never as a success.
            _ => VansReceiptKind.NegativeVans,
        };
        var error = inner?.Element(Ns + "Error");
        return new VansReceipt(
            kind,
            Value(inner, "OriginalEnvelopeIdentifier"),
            long.TryParse(Value(error, "Code"), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null,
            Value(error, "Description"));
    }

    private static ReadOnlyMemory<byte> Decode(XElement? data, List<MedComIssue> issues)
    {
        const string at = Root + "/Message/Data";
        var base64 = data is { HasElements: false } ? data.Value.Trim() : null;
        if (string.IsNullOrEmpty(base64))
        {
            issues.Add(MedComErrors.EnvelopeInvalid.At(at, "no Data"));
            return ReadOnlyMemory<byte>.Empty;
        }

        // Base64 never decodes to more than 3/4 of its length; whitespace (line-wrapped Data) is skipped by the decoder.
        var buffer = new byte[base64.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
        {
            issues.Add(MedComErrors.EnvelopeInvalid.At(at, "Data is not valid base64"));
            return ReadOnlyMemory<byte>.Empty;
        }

        return buffer.AsMemory(0, written);
    }

    private static string? Required(XElement root, string name, List<MedComIssue> issues)
    {
        var value = Value(root, name);
        if (value is null)
        {
            issues.Add(MedComErrors.EnvelopeInvalid.At($"{Root}/{name}", $"no {name}"));
        }

        return value;
    }

    /// <summary>The media type without parameters, lower-cased, so "application/fhir+json; charset=utf-8" matches.</summary>
    private static string? MediaType(string? value) =>
        value?.Split(';')[0].Trim().ToLowerInvariant() is { Length: > 0 } media ? media : null;

    // A simple value has no child elements; one that has is not a value (and XElement.Value would concatenate its descendants).
    private static string? Value(XElement? parent, string name) =>
        parent?.Element(Ns + name) is { HasElements: false } element && element.Value.Trim() is { Length: > 0 } value ? value : null;

    private static VansEnvelope Empty(IReadOnlyList<MedComIssue> issues) =>
        new(null, null, null, null, null, null, ReadOnlyMemory<byte>.Empty, null, issues);

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid();
}
