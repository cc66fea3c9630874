using System.Text;
using System.Xml.Linq;
using MedComMailbox.MedCom.Envelopes;
using MedComMailbox.MedCom.OioXml;
using MedComMailbox.MedCom.Tests.OioXml;
using MedComMailbox.Tests;

namespace MedComMailbox.MedCom.Tests.Envelopes;

public sealed class VansEnvelopeCodecTests
{
    private const string Sender = "5790000000029";
    private const string Receiver = "5790000000012";
    private const string EnvelopeId = "1b1e3c36-8f5c-4d0a-9c7e-2f0d3b6a9e11";
    private static readonly DateTimeOffset SentAt = new(2024, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly XNamespace Ns = VansEnvelopeCodec.Namespace;

    private readonly VansEnvelopeCodec _codec = new();

    public static TheoryData<MedComSyntax, string, string> FhirDocuments() => new()
    {
        { MedComSyntax.FhirJson, "application/fhir+json", "MCM:FDIS91#regarding-referral" },
        { MedComSyntax.FhirXml, "application/fhir+xml", "MCM:FCTL#ok" },
    };

    [SkippableTheory]
    [MemberData(nameof(FhirDocuments))]
    public void A_wrapped_FHIR_message_is_schema_valid(MedComSyntax syntax, string contentType, string name)
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);

        var envelope = _codec.Wrap(Fhir(syntax, contentType, name), Sender, Receiver, EnvelopeId, SentAt);

        Assert.Empty(XsdValidation.Validate(XsdValidation.Vans(), envelope));
    }

    [SkippableFact]
    public void A_wrapped_OIOXML_letter_and_receipt_are_schema_valid()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);

        foreach (var document in new[] { Reply().ToOutboundDocument(), Receipt().ToOutboundDocument() })
        {
            Assert.Empty(XsdValidation.Validate(XsdValidation.Vans(), _codec.Wrap(document, Sender, Receiver, EnvelopeId, SentAt)));
        }
    }

    [SkippableFact]
    public void The_schema_check_catches_a_broken_envelope()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);
        var envelope = XDocument.Parse(Encoding.UTF8.GetString(_codec.Wrap(Fhir(MedComSyntax.FhirJson, "application/fhir+json", "MCM:FDIS91#other"), Sender, Receiver, EnvelopeId, SentAt)));
        envelope.Root!.Element(Ns + "SentDateTime")!.Remove();

        Assert.NotEmpty(XsdValidation.Validate(XsdValidation.Vans(), Encoding.UTF8.GetBytes(envelope.ToString())));
    }

    [Theory]
    [MemberData(nameof(FhirDocuments))]
    public void A_FHIR_message_round_trips(MedComSyntax syntax, string contentType, string name)
    {
        var document = Fhir(syntax, contentType, name);

        var read = _codec.Unwrap(_codec.Wrap(document, Sender, Receiver, EnvelopeId, SentAt));

        Assert.Empty(read.Issues);
        Assert.Equal((EnvelopeId, Sender, Receiver, name, contentType), (read.EnvelopeId, read.SenderId, read.ReceiverId, read.DocumentName, read.MimeType));
        Assert.True(document.Body.Span.SequenceEqual(read.Payload.Span));
    }

    [Fact]
    public void An_OIOXML_letter_round_trips_with_its_version()
    {
        var letter = Reply();

        var bytes = _codec.Wrap(letter.ToOutboundDocument(), Sender, Receiver, EnvelopeId, SentAt);
        var envelope = _codec.Read(bytes);

        Assert.Empty(envelope.Issues);
        Assert.Equal(new VansDocument("XML", "MCM:XDIS91", "XD9134L", letter.Body.Length), envelope.Document);
        Assert.Null(envelope.MimeType);
        Assert.Equal(letter.LetterIdentifier, OioXmlReader.Read(envelope.Payload).Letter!.Letter.Identifier);
    }

    [Fact]
    public void An_OIOXML_receipt_is_named_by_its_statistical_code()
    {
        var receipt = Receipt();

        var envelope = _codec.Read(_codec.Wrap(receipt.ToOutboundDocument() with { DocumentName = "" }, Sender, Receiver, EnvelopeId, SentAt));

        Assert.Equal(new VansDocument("XML", "MCM:XCTL03", "XC0330Q", receipt.Body.Length), envelope.Document);
    }

    [Fact]
    public void The_envelope_is_written_in_schema_order_with_reliable_transport()
    {
        var xml = XDocument.Parse(Encoding.UTF8.GetString(_codec.Wrap(Fhir(MedComSyntax.FhirJson, "application/fhir+json", "MCM:FDIS91#other"), Sender, Receiver, EnvelopeId, SentAt)));

        var root = xml.Root!;
        Assert.Equal(new[] { "SenderID", "ReceiverID", "EnvelopeIdentifier", "SentDateTime", "Message" }, root.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("EAN", (string?)root.Element(Ns + "SenderID")!.Attribute("EndPointType"));
        Assert.Equal("2024-01-15T13:00:00+01:00", root.Element(Ns + "SentDateTime")!.Value);
        var meta = root.Element(Ns + "Message")!.Element(Ns + "MetaInformation")!;
        Assert.Equal(new[] { "Identifier", "Document", "Transport" }, meta.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(new[] { "Format", "Name", "SizeInBytes" }, meta.Element(Ns + "Document")!.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("HL7", meta.Element(Ns + "Document")!.Element(Ns + "Format")!.Value);
        var transport = meta.Element(Ns + "Transport")!;
        Assert.Equal(new[] { "reliable", "false", "application/fhir+json" }, transport.Elements().Select(e => e.Value));
        Assert.Equal("MCM:MIME", (string?)transport.Element(Ns + "ServiceTag")!.Attribute("name"));
    }

    [Fact]
    public void The_sent_time_reads_back_as_the_same_instant()
    {
        var envelope = _codec.Read(_codec.Wrap(Fhir(MedComSyntax.FhirJson, "application/fhir+json", "MCM:FDIS91#other"), Sender, Receiver, EnvelopeId, SentAt));

        Assert.Equal(SentAt, envelope.SentAt);
    }

    [SkippableFact]
    public void Reads_the_published_envelope_example()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.SharedMedCom!, "vans", "vansenvelope-1.0.4-example-EXCERPT.xml"));

        var envelope = _codec.Read(body);

        Assert.True(_codec.CanUnwrap(body));
        Assert.Empty(envelope.Issues);
        Assert.Equal(("068dadff-12bb-406d-8c86-083974dc0180", "5790001659592", "5790000121526"), (envelope.EnvelopeId, envelope.SenderId, envelope.ReceiverId));
        Assert.Equal(new DateTimeOffset(2020, 8, 26, 17, 12, 13, TimeSpan.FromHours(2)), envelope.SentAt);
        Assert.Equal(new VansDocument("XML", "MCM:XDIS22", "XD2230L", 6089), envelope.Document);
        Assert.Equal("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", Encoding.UTF8.GetString(envelope.Payload.Span));
        Assert.False(envelope.IsReceipt);
    }

    [Fact]
    public void Line_wrapped_base64_is_decoded()
    {
        var payload = Encoding.UTF8.GetBytes(new string('x', 300));
        var wrapped = string.Join("\n", Convert.ToBase64String(payload).Chunk(76).Select(c => new string(c)));

        var read = _codec.Unwrap(Envelope(format: "XML", name: "MCM:XDIS91", data: $"<Data>\n{wrapped}\n</Data>"));

        Assert.Empty(read.Issues);
        Assert.True(payload.AsSpan().SequenceEqual(read.Payload.Span));
    }

    [Theory]
    [InlineData("application/fhir+json; charset=utf-8", "application/fhir+json")]
    [InlineData("Application/FHIR+XML", "application/fhir+xml")]
    public void The_MIME_type_is_normalised(string tag, string expected)
    {
        var read = _codec.Unwrap(Envelope(mime: tag));

        Assert.Empty(read.Issues);
        Assert.Equal(expected, read.MimeType);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData(null)]
    public void A_FHIR_document_with_another_MIME_type_is_refused(string? tag)
    {
        var read = _codec.Unwrap(Envelope(mime: tag));

        Assert.Equal(MedComErrors.EnvelopeMimeUnsupported.Code, Assert.Single(read.Issues).Code);
    }

    [Theory]
    [InlineData("", "no Data")]
    [InlineData("<Data></Data>", "no Data")]
    [InlineData("<Data>not*base64!</Data>", "base64")]
    [InlineData("<Data>QUJD=</Data>", "base64")]
    public void Missing_or_broken_data_is_an_invalid_envelope(string data, string detail)
    {
        var read = _codec.Unwrap(Envelope(data: data));

        var issue = Assert.Single(read.Issues);
        Assert.Equal(MedComErrors.EnvelopeInvalid.Code, issue.Code);
        Assert.Contains(detail, issue.TextEn, StringComparison.Ordinal);
        Assert.True(read.Payload.IsEmpty);
        Assert.Equal(EnvelopeId, read.EnvelopeId);
    }

    [Fact]
    public void An_envelope_without_an_identifier_is_invalid()
    {
        var read = _codec.Unwrap(Envelope(envelopeId: ""));

        Assert.Equal(MedComErrors.EnvelopeInvalid.Code, Assert.Single(read.Issues).Code);
        Assert.Null(read.EnvelopeId);
    }

    [Theory]
    [InlineData("<VANSEnvelope/>")]
    [InlineData("<VANSEnvelope xmlns=\"urn:oio:medcom:vans-envelope:1.0.3\"/>")]
    [InlineData("<Emessage xmlns=\"http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2006/07/01/\"/>")]
    public void Another_root_is_an_invalid_envelope(string xml)
    {
        var read = _codec.Unwrap(Encoding.UTF8.GetBytes(xml));

        Assert.Equal(MedComErrors.EnvelopeInvalid.Code, Assert.Single(read.Issues).Code);
    }

    [Theory]
    [MemberData(nameof(HostileXml.Cases), MemberType = typeof(HostileXml))]
    public void Hostile_input_gives_a_finding_never_an_exception(string name, string expectedCode)
    {
        var read = _codec.Unwrap(HostileXml.Body(name));

        var issue = Assert.Single(read.Issues);
        Assert.Equal(expectedCode == MedComErrors.XmlDtdForbidden.Code ? expectedCode : MedComErrors.EnvelopeInvalid.Code, issue.Code);
        Assert.True(read.Payload.IsEmpty);
    }

    [Theory]
    [InlineData("<PositiveMessage><OriginalEnvelopeIdentifier>aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee</OriginalEnvelopeIdentifier></PositiveMessage>", VansReceiptKind.PositiveMessage, null, null)]
    [InlineData("<NegativeMessage><Error><Code>12</Code><Description>Ukendt modtager</Description></Error><OriginalEnvelopeIdentifier>aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee</OriginalEnvelopeIdentifier></NegativeMessage>", VansReceiptKind.NegativeMessage, 12L, "Ukendt modtager")]
    [InlineData("<NegativeVans><Error><Description>Fejl</Description></Error><OriginalEnvelopeIdentifier>aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee</OriginalEnvelopeIdentifier></NegativeVans>", VansReceiptKind.NegativeVans, null, "Fejl")]
    public void A_VANS_receipt_is_read(string content, VansReceiptKind kind, long? code, string? description)
    {
        var body = Encoding.UTF8.GetBytes($"<VANSEnvelope xmlns=\"{VansEnvelopeCodec.Namespace}\"><SenderID EndPointType=\"VANS\">VANS1</SenderID><ReceiverID EndPointType=\"EAN\">{Receiver}</ReceiverID><EnvelopeIdentifier>{EnvelopeId}</EnvelopeIdentifier><SentDateTime>2024-01-15T13:00:00</SentDateTime><Receipt>{content}</Receipt></VANSEnvelope>");

        var envelope = _codec.Read(body);
        var unwrapped = _codec.Unwrap(body);

        Assert.True(envelope.IsReceipt);
        Assert.Equal(new VansReceipt(kind, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", code, description), envelope.Receipt);
        Assert.Empty(unwrapped.Issues);
        Assert.Equal(VansEnvelopeCodec.ReceiptDocumentName, unwrapped.DocumentName);
        Assert.True(unwrapped.Payload.IsEmpty);
    }

    [Theory]
    [InlineData("<VANSEnvelope xmlns=\"urn:oio:medcom:vans-envelope:1.0.4\"/>", true)]
    [InlineData("\uFEFF<?xml version=\"1.0\"?>\n<!-- x --><v:VANSEnvelope xmlns:v=\"urn:oio:medcom:vans-envelope:1.0.4\"/>", true)]
    [InlineData("<!-- <VANSEnvelope> --><Emessage/>", false)]
    [InlineData("<!DOCTYPE VANSEnvelope><VANSEnvelope/>", false)]
    [InlineData("{\"resourceType\":\"Bundle\"}", false)]
    [InlineData("", false)]
    public void Recognises_its_own_envelope(string body, bool expected)
    {
        Assert.Equal(expected, _codec.CanUnwrap(Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    [InlineData("{1b1e3c36-8f5c-4d0a-9c7e-2f0d3b6a9e11}")]
    public void Wrapping_needs_a_UUID_envelope_identifier(string envelopeId)
    {
        Assert.Throws<ArgumentException>(() => _codec.Wrap(Fhir(MedComSyntax.FhirJson, "application/fhir+json", "MCM:FDIS91#other"), Sender, Receiver, envelopeId, SentAt));
    }

    [Fact]
    public void A_document_of_unknown_syntax_cannot_be_wrapped()
    {
        var document = Fhir(MedComSyntax.FhirJson, "application/fhir+json", "x") with { Syntax = MedComSyntax.Unknown };

        Assert.Throws<ArgumentException>(() => _codec.Wrap(document, Sender, Receiver, EnvelopeId, SentAt));
    }

    private static OutboundDocument Fhir(MedComSyntax syntax, string contentType, string name) =>
        new("3dcb5618-3055-406a-9034-1b8fc8de0fea", MedComMessageKind.CareCommunication, syntax, contentType, Encoding.UTF8.GetBytes(syntax == MedComSyntax.FhirJson ? "{\"resourceType\":\"Bundle\",\"id\":\"æøå\"}" : "<Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"æøå\"/></Bundle>"), name, Receiver);

    private static OioXmlOutbound Reply() =>
        new OioXmlLetterBuilder().BuildReply(OioXmlSamples.ReadLetter(OioXmlSamples.Letter()), OioXmlSamples.Us, "Svar", "Tak.", SentAt);

    private static OioXmlOutbound Receipt() =>
        new OioXmlReceiptBuilder().BuildPositive(new OioXmlReceiptOriginal("E1", Receiver, Sender, "L1", "XD9134L"), Sender, SentAt);

    private static byte[] Envelope(string format = "HL7", string name = "MCM:FDIS91#other", string? mime = "application/fhir+json", string? data = null, string envelopeId = EnvelopeId)
    {
        data ??= $"<Data>{Convert.ToBase64String("{}"u8)}</Data>";
        var tag = mime is null ? "" : $"<ServiceTag name=\"MCM:MIME\">{mime}</ServiceTag>";
        return Encoding.UTF8.GetBytes($"""
            <?xml version="1.0" encoding="UTF-8"?>
            <VANSEnvelope xmlns="{VansEnvelopeCodec.Namespace}">
              <SenderID EndPointType="EAN">{Receiver}</SenderID>
              <ReceiverID EndPointType="EAN">{Sender}</ReceiverID>
              <EnvelopeIdentifier>{envelopeId}</EnvelopeIdentifier>
              <SentDateTime>2024-01-15T13:00:00+01:00</SentDateTime>
              <Message>
                <MetaInformation>
                  <Identifier>{EnvelopeId}</Identifier>
                  <Document><Format>{format}</Format><Name>{name}</Name><SizeInBytes>2</SizeInBytes></Document>
                  <Transport><Type>reliable</Type><TransformMessage>false</TransformMessage>{tag}</Transport>
                </MetaInformation>
                {data}
              </Message>
            </VANSEnvelope>
            """);
    }
}
