using MedComMailbox.MedCom.OioXml;
using MedComMailbox.Tests;
using static MedComMailbox.MedCom.Tests.OioXml.OioXmlSamples;

namespace MedComMailbox.MedCom.Tests.OioXml;

public sealed class OioXmlLetterBuilderTests
{
    private static readonly DateTimeOffset SentAt = new(2024, 12, 2, 8, 15, 0, TimeSpan.Zero);

    private const string ReplyText = "Kære læge\r\n\r\nVi har modtaget henvisningen.\n  - punkt ét\nVenlig hilsen\nKommunen";

    [SkippableFact]
    public void A_reply_is_schema_valid()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);

        var reply = new OioXmlLetterBuilder().BuildReply(ReadLetter(Letter()), Us, "Svar: Angående henvisning", ReplyText, SentAt);

        Assert.Empty(XsdValidation.Validate(XsdValidation.OioXml("2006/07/01"), reply.Body));
    }

    [SkippableFact]
    public void A_reply_to_MedComs_example_letter_is_schema_valid()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);
        var original = OioXmlReader.Read(File.ReadAllBytes(Official("Flow1-XDIS91_Ex_to_FHIR.xml"))).Letter!;

        var reply = new OioXmlLetterBuilder().BuildReply(original, Us with { Name = "Et meget langt navn på en kommunal enhed, over 35 tegn" }, null, "Tak.", SentAt);

        Assert.Empty(XsdValidation.Validate(XsdValidation.OioXml("2006/07/01"), reply.Body));
    }

    [SkippableFact]
    public void A_reply_for_a_replacement_CPR_is_schema_valid()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);
        var original = ReadLetter(Letter(patient: "<Patient><AlternativeIdentifier>010180AB12</AlternativeIdentifier><PersonSurnameName>Testesen</PersonSurnameName><EpisodeOfCareStatusCode>inaktiv</EpisodeOfCareStatusCode></Patient>"));

        var reply = new OioXmlLetterBuilder().BuildReply(original, Us, "Svar", "Tak.", SentAt);

        Assert.Empty(XsdValidation.Validate(XsdValidation.OioXml("2006/07/01"), reply.Body));
        Assert.Equal("010180AB12", OioXmlReader.Read(reply.Body).Letter!.Patient.AlternativeIdentifier);
    }

    [Fact]
    public void A_reply_reads_back_to_the_same_content()
    {
        var original = ReadLetter(Letter());
        var ids = new Queue<string>(["ENVREPLY1", "LETREPLY1"]);

        var built = new OioXmlLetterBuilder(ids.Dequeue).BuildReply(original, Us, "Svar: Angående henvisning", ReplyText, SentAt);
        var reply = ReadLetter(System.Text.Encoding.UTF8.GetString(built.Body.Span));

        Assert.Equal(new OioXmlEnvelope(new DateTimeOffset(2024, 12, 2, 9, 15, 0, TimeSpan.FromHours(1)), "ENVREPLY1", "pluspositivkvitt"), reply.Envelope);
        Assert.Equal(new OioXmlLetterHeader("LETREPLY1", "XD9134L", "XDIS91", reply.Envelope.Sent, "XDIS91", "nytbrev", null), reply.Letter);
        Assert.Equal(new OioXmlParty(Us.Gln, Us.Gln, "lokationsnummer", Us.Name, null, null, null, null), reply.Sender);
        Assert.Equal(new OioXmlParty("5790000000012", "123456", "ydernummer", "Lægerne i Byen", "Almen praksis", "Team 2", null, null), reply.Receiver);
        Assert.Equal(original.Patient, reply.Patient);
        Assert.Equal("Svar: Angående henvisning", reply.Subject);
        Assert.Null(reply.Priority);
        Assert.Equal(ReplyText.ReplaceLineEndings("\n"), reply.Text);
        Assert.Empty(reply.References);
        Assert.Equal(OioXmlCodes.Namespace2006, reply.Namespace);

        Assert.Equal(("ENVREPLY1", "LETREPLY1", "XD9134L", "MCM:XDIS91", "5790000000012"), (built.EnvelopeIdentifier, built.LetterIdentifier, built.VersionCode, built.DocumentName, built.ReceiverEan));
        Assert.Equal(MedComMessageKind.OioXmlLetter, built.ToOutboundDocument().Kind);
    }

    [Fact]
    public void Line_breaks_are_written_as_Break_elements_not_characters()
    {
        var built = new OioXmlLetterBuilder().BuildReply(ReadLetter(Letter()), Us, null, "a\nb\r\nc", SentAt);
        var xml = System.Text.Encoding.UTF8.GetString(built.Body.Span);

        Assert.Contains("<Text01>a<Break />b<Break />c</Text01>", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("AdditionalInformation", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void Characters_XML_cannot_carry_are_dropped_from_the_text()
    {
        var built = new OioXmlLetterBuilder().BuildReply(ReadLetter(Letter()), Us, "Emne\u0001", "Tekst\u0000 med\u001B styretegn 😀", SentAt);
        var reply = OioXmlReader.Read(built.Body).Letter!;

        Assert.Equal("Tekst med styretegn 😀", reply.Text);
        Assert.Equal("Emne", reply.Subject);
    }

    [Fact]
    public void A_sender_without_its_own_identifier_is_addressed_by_location_number()
    {
        var original = OioXmlReader.Read(Bytes(Letter(sender: "<Sender><EANIdentifier>5790000000012</EANIdentifier></Sender>"))).Letter!;

        var reply = OioXmlReader.Read(new OioXmlLetterBuilder().BuildReply(original, Us, null, "Tak.", SentAt).Body).Letter!;

        Assert.Equal(("5790000000012", "5790000000012", "lokationsnummer"), (reply.Receiver.EanIdentifier, reply.Receiver.Identifier, reply.Receiver.IdentifierCode));
    }

    [Fact]
    public void A_letter_whose_sender_is_unknown_cannot_be_answered()
    {
        var original = OioXmlReader.Read(Bytes(Letter(sender: ""))).Letter!;

        Assert.Throws<ArgumentException>(() => new OioXmlLetterBuilder().BuildReply(original, Us, null, "Tak.", SentAt));
    }

    [Fact]
    public void A_letter_without_a_patient_cannot_be_answered()
    {
        var original = OioXmlReader.Read(Bytes(Letter(patient: ""))).Letter!;

        Assert.Throws<ArgumentException>(() => new OioXmlLetterBuilder().BuildReply(original, Us, null, "Tak.", SentAt));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n ")]
    public void A_reply_needs_a_text(string text)
    {
        Assert.Throws<ArgumentException>(() => new OioXmlLetterBuilder().BuildReply(ReadLetter(Letter()), Us, null, text, SentAt));
    }

    [Fact]
    public void A_subject_longer_than_the_schema_allows_is_refused()
    {
        var subject = new string('x', OioXmlLetterBuilder.MaxSubjectLength + 1);

        Assert.Throws<ArgumentException>(() => new OioXmlLetterBuilder().BuildReply(ReadLetter(Letter()), Us, subject, "Tak.", SentAt));
    }
}
