using System.Xml.Linq;
using MedComMailbox.MedCom.OioXml;
using MedComMailbox.Tests;
using static MedComMailbox.MedCom.Tests.OioXml.OioXmlSamples;

namespace MedComMailbox.MedCom.Tests.OioXml;

public sealed class OioXmlReceiptBuilderTests
{
    private static readonly DateTimeOffset SentAt = new(2024, 7, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly OioXmlReceiptOriginal Original = new("ENV00000000001", "5790000000012", "5790000000029", "LET00000000001", "XD9134L");

    [SkippableFact]
    public void A_positive_receipt_is_schema_valid()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);

        var receipt = new OioXmlReceiptBuilder().BuildPositive(Original, Us.Gln, SentAt);

        Assert.Empty(XsdValidation.Validate(XsdValidation.OioXml("2005/08/07"), receipt.Body));
    }

    [SkippableTheory]
    [InlineData(OioXmlRefuseCode.NotSpecified, null)]
    [InlineData(OioXmlRefuseCode.UnknownLocationNumber, "Ukendt modtager")]
    [InlineData(OioXmlRefuseCode.ReceiverIdProblem, "Modtager mangler")]
    [InlineData(OioXmlRefuseCode.VersionProblem, "Kun XD9134L\r\nunderstøttes")]
    [InlineData(OioXmlRefuseCode.SyntaxError, "Linje 1\nLinje 2\n\nLinje 4 <&>")]
    public void A_negative_receipt_is_schema_valid(OioXmlRefuseCode code, string? text)
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);

        var receipt = new OioXmlReceiptBuilder().BuildNegative(Original, Us.Gln, code, text, SentAt);

        Assert.Empty(XsdValidation.Validate(XsdValidation.OioXml("2005/08/07"), receipt.Body));
    }

    [SkippableFact]
    public void A_negative_receipt_for_an_unreadable_letter_is_schema_valid()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);

        var receipt = new OioXmlReceiptBuilder().BuildNegative(Original with { LetterIdentifier = null }, Us.Gln, OioXmlRefuseCode.SyntaxError, "Kan ikke læses", SentAt);

        Assert.Empty(XsdValidation.Validate(XsdValidation.OioXml("2005/08/07"), receipt.Body));
        Assert.Empty(OioXmlReader.Read(receipt.Body).Receipt!.OriginalLetters);
    }

    [SkippableFact]
    public void The_schema_check_catches_a_broken_receipt()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);

        var receipt = new OioXmlReceiptBuilder().BuildPositive(Original, Us.Gln, SentAt);
        var broken = XDocument.Parse(System.Text.Encoding.UTF8.GetString(receipt.Body.Span));
        broken.Descendants().First(e => e.Name.LocalName == "VersionCode").Value = "XC0230Q";

        Assert.NotEmpty(XsdValidation.Validate(XsdValidation.OioXml("2005/08/07"), System.Text.Encoding.UTF8.GetBytes(broken.ToString())));
    }

    [SkippableFact]
    public void Our_receipt_for_MedComs_letter_equals_MedComs_own_receipt_given_the_same_identifiers()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);
        var letter = OioXmlReader.Read(File.ReadAllBytes(Official("Flow1-XDIS91_Ex_to_FHIR.xml"))).Letter!;
        var expected = XDocument.Load(Official("Flow2-XCTL03_Ex_from_FHIR_XDIS91.xml"));
        var ids = new Queue<string>(["KuvertNr1256", "BrevNr5698"]);

        var receipt = new OioXmlReceiptBuilder(ids.Dequeue).BuildPositive(
            OioXmlReceiptOriginal.From(letter, "5790000121441")!, letter.Receiver.EanIdentifier!, new DateTimeOffset(2023, 11, 20, 17, 46, 0, TimeSpan.FromHours(1)));

        var actual = XDocument.Parse(System.Text.Encoding.UTF8.GetString(receipt.Body.Span));
        Assert.Equal(Normalise(expected.Root!), Normalise(actual.Root!));
    }

    [Fact]
    public void A_positive_receipt_reads_back_as_what_was_built()
    {
        var ids = new Queue<string>(["RENV1", "RLET1"]);

        var built = new OioXmlReceiptBuilder(ids.Dequeue).BuildPositive(Original, Us.Gln, SentAt);
        var result = OioXmlReader.Read(built.Body);

        Assert.Empty(result.Issues);
        var receipt = result.Receipt!;
        Assert.Equal(OioXmlReceiptKind.Positive, receipt.Kind);
        Assert.Equal(OioXmlCodes.Namespace2005, receipt.Namespace);
        Assert.Equal(new OioXmlEnvelope(new DateTimeOffset(2024, 7, 1, 12, 0, 0, TimeSpan.FromHours(2)), "RENV1", "minuspositivkvitt"), receipt.Envelope);
        Assert.Equal(("RLET1", "XC0330Q", "XCTL03"), (receipt.LetterIdentifier, receipt.VersionCode, receipt.StatisticalCode));
        Assert.Equal((Us.Gln, "5790000000012"), (receipt.SenderEan, receipt.ReceiverEan));
        Assert.Equal(("ENV00000000001", "5790000000012", "5790000000029"), (receipt.OriginalEnvelopeIdentifier, receipt.OriginalSenderEan, receipt.OriginalReceiverEan));
        Assert.Equal(new OioXmlOriginalLetter("LET00000000001", "XD9134L", null, null), Assert.Single(receipt.OriginalLetters));
        Assert.Null(receipt.RefuseCode);

        Assert.Equal(("RENV1", "RLET1", "XC0330Q", "MCM:XCTL03", "5790000000012"), (built.EnvelopeIdentifier, built.LetterIdentifier, built.VersionCode, built.DocumentName, built.ReceiverEan));
    }

    [Fact]
    public void A_negative_receipt_reads_back_with_its_reason()
    {
        var built = new OioXmlReceiptBuilder().BuildNegative(Original, Us.Gln, OioXmlRefuseCode.ReceiverIdProblem, "Første linje\r\nAnden linje", SentAt);
        var result = OioXmlReader.Read(built.Body);

        Assert.Empty(result.Issues);
        var receipt = result.Receipt!;
        Assert.Equal(OioXmlReceiptKind.Negative, receipt.Kind);
        Assert.Equal(("XC0230Q", "XCTL02"), (receipt.VersionCode, receipt.StatisticalCode));
        Assert.Equal(OioXmlRefuseCode.ReceiverIdProblem, receipt.RefuseCode);
        Assert.Equal("Første linje\nAnden linje", receipt.RefuseText);
        Assert.Equal("MCM:XCTL02", built.DocumentName);
        Assert.Equal(MedComMessageKind.OioXmlReceipt, built.Kind);
    }

    [Fact]
    public void The_outbound_document_is_addressed_to_the_original_sender()
    {
        var built = new OioXmlReceiptBuilder().BuildPositive(Original, Us.Gln, SentAt);

        var document = built.ToOutboundDocument();

        Assert.Equal(built.LetterIdentifier, document.MessageId);
        Assert.Equal(MedComMessageKind.OioXmlReceipt, document.Kind);
        Assert.Equal(MedComSyntax.OioXml, document.Syntax);
        Assert.Equal("application/xml", document.ContentType);
        Assert.Equal("MCM:XCTL03", document.DocumentName);
        Assert.Equal("5790000000012", document.ReceiverGln);
        Assert.True(built.Body.Span.SequenceEqual(document.Body.Span));
    }

    [Theory]
    [InlineData("")]
    [InlineData("FIFTEEN_CHARS_X")]
    public void An_identifier_that_does_not_fit_String_1_14_is_refused(string identifier)
    {
        var builder = new OioXmlReceiptBuilder(() => identifier);

        Assert.Throws<InvalidOperationException>(() => builder.BuildPositive(Original, Us.Gln, SentAt));
    }

    [Fact]
    public void Default_identifiers_are_14_random_letters_and_digits()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => OioXmlIdentifiers.NewIdentifier()).ToList();

        Assert.All(ids, id => Assert.Matches("^[A-Z0-9]{14}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Envelope_and_letter_get_different_identifiers()
    {
        var built = new OioXmlReceiptBuilder().BuildPositive(Original, Us.Gln, SentAt);

        Assert.NotEqual(built.EnvelopeIdentifier, built.LetterIdentifier);
    }

    [Fact]
    public void A_received_letter_gives_the_references_of_its_receipt()
    {
        var letter = ReadLetter(Letter());

        var original = OioXmlReceiptOriginal.From(letter, Us.Gln);

        Assert.Equal(new OioXmlReceiptOriginal("ENV00000000001", "5790000000012", "5790000000029", "LET00000000001", "XD9134L"), original);
    }

    [Fact]
    public void A_letter_without_a_receiver_is_answered_from_our_location_number()
    {
        var letter = OioXmlReader.Read(Bytes(Letter(receiver: ""))).Letter!;

        Assert.Equal("5790000000999", OioXmlReceiptOriginal.From(letter, "5790000000999")!.ReceiverEan);
    }

    [Theory]
    [InlineData("<Envelope><AcknowledgementCode>pluspositivkvitt</AcknowledgementCode></Envelope>", SenderXml)]
    [InlineData(EnvelopeXml, "")]
    public void A_letter_without_envelope_number_or_sender_cannot_be_answered(string envelope, string sender)
    {
        var letter = OioXmlReader.Read(Bytes(Letter(envelope: envelope, sender: sender))).Letter!;

        Assert.Null(OioXmlReceiptOriginal.From(letter, Us.Gln));
    }

    [Theory]
    [InlineData(OioXmlRefuseCode.NotSpecified, "ikke_specificeret")]
    [InlineData(OioXmlRefuseCode.UnknownLocationNumber, "ukendt_lokationsnummer")]
    [InlineData(OioXmlRefuseCode.ReceiverIdProblem, "problem_med_modtagerID")]
    [InlineData(OioXmlRefuseCode.VersionProblem, "problem_med_version")]
    [InlineData(OioXmlRefuseCode.SyntaxError, "syntaksfejl")]
    public void Refuse_codes_map_to_the_schema_values(OioXmlRefuseCode code, string value)
    {
        Assert.Equal(value, code.ToCode());
        Assert.Equal(code, OioXmlRefuseCodes.Parse(value));
    }

    [Theory]
    [InlineData("syntax-invalid", OioXmlRefuseCode.SyntaxError)]
    [InlineData("xml-dtd-forbidden", OioXmlRefuseCode.SyntaxError)]
    [InlineData("oioxml-version-unsupported", OioXmlRefuseCode.VersionProblem)]
    [InlineData("oioxml-receiver-missing", OioXmlRefuseCode.ReceiverIdProblem)]
    [InlineData("receiver-unknown", OioXmlRefuseCode.UnknownLocationNumber)]
    [InlineData("cpr-invalid", OioXmlRefuseCode.NotSpecified)]
    public void A_finding_suggests_a_refuse_code(string code, OioXmlRefuseCode expected)
    {
        var rule = MedComErrors.Find(code)!;

        Assert.Equal(expected, OioXmlRefuseCodes.For(rule.At()));
    }

    /// <summary>The receipt without its own identifiers, and without layout whitespace, for comparison.</summary>
    private static string Normalise(XElement root)
    {
        var copy = new XElement(root);
        foreach (var text in copy.DescendantNodes().OfType<XText>().Where(t => string.IsNullOrWhiteSpace(t.Value)).ToList())
        {
            text.Remove();
        }

        return copy.ToString(SaveOptions.DisableFormatting);
    }
}
