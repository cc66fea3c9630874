using MedComMailbox.MedCom.OioXml;
using MedComMailbox.Tests;
using static MedComMailbox.MedCom.Tests.OioXml.OioXmlSamples;

namespace MedComMailbox.MedCom.Tests.OioXml;

public sealed class OioXmlReaderTests
{
    [SkippableFact]
    public void Reads_MedComs_XDIS91_example_completely()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);

        var result = OioXmlReader.Read(File.ReadAllBytes(Official("Flow1-XDIS91_Ex_to_FHIR.xml")));

        Assert.Empty(result.Issues);
        var letter = Assert.IsType<OioXmlLetter>(result.Letter);
        Assert.Equal(new DateTimeOffset(2023, 11, 20, 17, 45, 0, TimeSpan.FromHours(1)), letter.Envelope.Sent);
        Assert.Equal("KuvNrerwerwe99", letter.Envelope.Identifier);
        Assert.True(letter.Envelope.PositiveReceiptRequested);
        Assert.Equal(new OioXmlLetterHeader("Brevt23400929", "XD9134L", "XDIS91", new DateTimeOffset(2023, 11, 20, 17, 45, 0, TimeSpan.FromHours(1)), "XDIS91", "nytbrev", null), letter.Letter);
        Assert.Equal(new OioXmlParty("5790001382445", "5790001382445", "lokationsnummer", "Medcom testcenter", "Certificering", null, null, "ikkeklassificeret"), letter.Sender);
        Assert.Equal(new OioXmlParty("5790000121441", "5790000121441", "kommunenummer", "Hjemmeplejen, Odense Kommune", null, null, null, null), letter.Receiver);
        Assert.Equal(new OioXmlPatient("2512489996", null, "Ann Berggren", "Nancy", "inaktiv"), letter.Patient);
        Assert.Equal("høj_prioritet", letter.Priority);
        Assert.Equal("Forundersøgelse", letter.Subject);
        Assert.StartsWith("Afdeling A har modtaget en henvisning på ovenstående patient.\nForinden der foretages visitation", letter.Text, StringComparison.Ordinal);
        Assert.Contains("Sænkningsresultat\n\nResultaterne bedes fremsendt som et \"korrespondancebrev\".\n\nVenlig hilsen\n", letter.Text, StringComparison.Ordinal);
        var reference = Assert.Single(letter.References);
        Assert.Equal(new OioXmlReference("BIN", null, false, new OioXmlBinaryObject("c39ea6b2605245e4a207415e0205ab6f", "billede", "pdf", 4297)), reference);
    }

    [SkippableFact]
    public void Reads_the_example_that_declares_latin1_but_is_utf8_and_is_pretty_printed()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);

        var result = OioXmlReader.Read(File.ReadAllBytes(Official("Flow3-XDIS91_Ex_from_FHIR.xml")));

        Assert.Empty(result.Issues);
        var letter = result.Letter!;
        Assert.Equal("Vedr. henvisning, Undersøgelser forude for visitation", letter.Subject);
        Assert.Equal("66131372", letter.Sender.TelephoneSubscriberIdentifier);
        Assert.StartsWith("Afdeling A har modtaget", letter.Text, StringComparison.Ordinal);
        Assert.EndsWith("Stilling: Sygeplejerske\n", letter.Text, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("Flow2-XCTL03_Ex_from_FHIR_XDIS91.xml", "BrevNr5698", "KuvNrerwerwe99", "Brevt23400929", "XD9134L")]
    [InlineData("Flow4-XCTL03_Ex_to_FHIR_XDIS91.xml", "BrevNr5678", "KuvNrerwerwe00", "Brevt23400930", "XD9134L")]
    [InlineData("Flow2-XCTL03_Ex_from_FHIR_XBIN01.xml", "BrevNr5612", "MEDBIN62529", "031120PWE62528", "XB0131X")]
    public void Reads_MedComs_positive_receipts(string file, string letterId, string originalEnvelope, string originalLetter, string originalVersion)
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);

        var result = OioXmlReader.Read(File.ReadAllBytes(Official(file)));

        Assert.Empty(result.Issues);
        var receipt = Assert.IsType<OioXmlReceipt>(result.Receipt);
        Assert.Equal(OioXmlReceiptKind.Positive, receipt.Kind);
        Assert.Equal(letterId, receipt.LetterIdentifier);
        Assert.Equal("XCTL03", receipt.StatisticalCode);
        Assert.Equal("5790000121441", receipt.SenderEan);
        Assert.Equal("5790001382445", receipt.ReceiverEan);
        Assert.Equal(originalEnvelope, receipt.OriginalEnvelopeIdentifier);
        Assert.Equal("5790001382445", receipt.OriginalSenderEan);
        Assert.Equal("5790000121441", receipt.OriginalReceiverEan);
        Assert.Equal(new OioXmlOriginalLetter(originalLetter, originalVersion, null, null), Assert.Single(receipt.OriginalLetters));
        Assert.False(receipt.Envelope.PositiveReceiptRequested);
    }

    [SkippableFact]
    public void Refuses_the_binary_letter_XBIN01_as_an_unsupported_type()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);

        var result = OioXmlReader.Read(File.ReadAllBytes(Official("Flow1-XBIN01_Ex_to_FHIR.xml")));

        Assert.Equal(MedComErrors.OioXmlVersionUnsupported.Code, Assert.Single(result.Issues).Code);
        Assert.Equal(MedComMessageKind.Unknown, result.Kind);
    }

    [Fact]
    public void A_complete_letter_has_no_findings()
    {
        var letter = ReadLetter(Letter());

        Assert.Equal("ENV00000000001", letter.Envelope.Identifier);
        Assert.Equal("LET00000000001", letter.Letter.Identifier);
        Assert.Equal("Team 2", letter.Sender.UnitName);
        Assert.Equal("Kære kommune\nTak for sidst.", letter.Text);
        Assert.Equal(OioXmlCodes.Namespace2006, letter.Namespace);
    }

    [Fact]
    public void A_letter_in_the_2005_namespace_is_read()
    {
        var letter = ReadLetter(Letter(additional: "", ns: OioXmlCodes.Namespace2005));

        Assert.Equal(OioXmlCodes.Namespace2005, letter.Namespace);
        Assert.Equal("5790000000029", letter.Receiver.EanIdentifier);
    }

    [Fact]
    public void Sent_is_Danish_summer_time()
    {
        var letter = ReadLetter(Letter());

        Assert.Equal(new DateTimeOffset(2024, 7, 1, 9, 30, 0, TimeSpan.FromHours(2)), letter.Envelope.Sent);
    }

    [Theory]
    [InlineData("<Envelope><Sent><Date>2024-07-01</Date><Time>09:30</Time></Sent><AcknowledgementCode>pluspositivkvitt</AcknowledgementCode></Envelope>", "", "Emessage/Envelope/Identifier")]
    [InlineData(EnvelopeXml, "<Letter><VersionCode>XD9134L</VersionCode><StatisticalCode>XDIS91</StatisticalCode><TypeCode>XDIS91</TypeCode></Letter>", "Emessage/ClinicalEmail/Letter/Identifier")]
    [InlineData(EnvelopeXml, "<Letter><Identifier>  </Identifier><VersionCode>XD9134L</VersionCode><StatisticalCode>XDIS91</StatisticalCode><TypeCode>XDIS91</TypeCode></Letter>", "Emessage/ClinicalEmail/Letter/Identifier")]
    public void A_missing_envelope_or_letter_identifier_is_fatal(string envelope, string letter, string location)
    {
        var result = OioXmlReader.Read(Bytes(Letter(envelope: envelope, letter: letter == "" ? LetterXml : letter)));

        var issue = Assert.Single(result.Issues);
        Assert.Equal(MedComErrors.OioXmlIdentifierMissing.Code, issue.Code);
        Assert.Equal(location, issue.Location);
        Assert.False(result.IsValid);
        Assert.NotNull(result.Letter);
    }

    [Theory]
    [InlineData("XD9133L", "XDIS91")]
    [InlineData("XD9134L", "XDIS01")]
    [InlineData("", "XDIS91")]
    public void Another_version_or_type_is_unsupported(string version, string type)
    {
        var letter = LetterXml.Replace("<VersionCode>XD9134L</VersionCode>", $"<VersionCode>{version}</VersionCode>", StringComparison.Ordinal)
            .Replace("<TypeCode>XDIS91</TypeCode>", $"<TypeCode>{type}</TypeCode>", StringComparison.Ordinal);

        var result = OioXmlReader.Read(Bytes(Letter(letter: letter)));

        Assert.Equal(MedComErrors.OioXmlVersionUnsupported.Code, Assert.Single(result.Issues).Code);
    }

    [Theory]
    [InlineData("http://rep.oio.dk/medcom.dk/xml/schemas/2012/03/28/")]
    [InlineData("")]
    public void An_Emessage_in_another_namespace_is_unsupported(string ns)
    {
        var result = OioXmlReader.Read(Bytes(Letter(ns: ns)));

        Assert.Equal(MedComErrors.OioXmlVersionUnsupported.Code, Assert.Single(result.Issues).Code);
        Assert.Null(result.Letter);
    }

    [Fact]
    public void Another_letter_type_in_a_supported_namespace_is_unsupported()
    {
        var xml = $"<Emessage xmlns=\"{OioXmlCodes.Namespace2005}\">{EnvelopeXml}<DischargeLetter>{LetterXml}</DischargeLetter></Emessage>";

        var issue = Assert.Single(OioXmlReader.Read(Bytes(xml)).Issues);

        Assert.Equal(MedComErrors.OioXmlVersionUnsupported.Code, issue.Code);
        Assert.Equal("Emessage/DischargeLetter", issue.Location);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void An_Emessage_must_hold_exactly_one_letter(int letters)
    {
        var email = $"<ClinicalEmail>{LetterXml}{SenderXml}{ReceiverXml}{PatientXml}{TextXml}</ClinicalEmail>";
        var xml = $"<Emessage xmlns=\"{OioXmlCodes.Namespace2006}\">{EnvelopeXml}{string.Concat(Enumerable.Repeat(email, letters))}</Emessage>";

        var result = OioXmlReader.Read(Bytes(xml));

        Assert.Equal(MedComErrors.OioXmlVersionUnsupported.Code, Assert.Single(result.Issues).Code);
    }

    [Fact]
    public void A_root_other_than_Emessage_is_an_unknown_format()
    {
        var result = OioXmlReader.Read(Bytes("<Bundle xmlns=\"http://hl7.org/fhir\"/>"));

        Assert.Equal(MedComErrors.FormatUnknown.Code, Assert.Single(result.Issues).Code);
    }

    [Fact]
    public void A_missing_receiver_location_number_is_reported()
    {
        var result = OioXmlReader.Read(Bytes(Letter(receiver: "<Receiver><Identifier>x</Identifier><IdentifierCode>lokationsnummer</IdentifierCode></Receiver>")));

        Assert.Equal(MedComErrors.OioXmlReceiverMissing.Code, Assert.Single(result.Issues).Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<Sender><Identifier>123456</Identifier></Sender>")]
    public void A_missing_sender_location_number_is_reported(string sender)
    {
        var result = OioXmlReader.Read(Bytes(Letter(sender: sender)));

        Assert.Equal(MedComErrors.OioXmlSenderMissing.Code, Assert.Single(result.Issues).Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<Patient><PersonSurnameName>Testesen</PersonSurnameName></Patient>")]
    [InlineData("<Patient><CivilRegistrationNumber> </CivilRegistrationNumber><PersonSurnameName>Testesen</PersonSurnameName></Patient>")]
    public void A_missing_patient_is_reported(string patient)
    {
        var result = OioXmlReader.Read(Bytes(Letter(patient: patient)));

        Assert.Equal(MedComErrors.OioXmlPatientMissing.Code, Assert.Single(result.Issues).Code);
    }

    [Theory]
    [InlineData("3102801234")] // 31 February
    [InlineData("0113801234")] // month 13
    [InlineData("2902001000")] // 29 February 1900 (digit 7 = 1): not a leap year
    [InlineData("2902585000")] // 29 February 1858 (digit 7 = 5, year 58): not a leap year
    [InlineData("010180432")]
    [InlineData("01018043210")]
    [InlineData("O101804321")]
    public void An_invalid_CPR_number_is_reported(string cpr)
    {
        var patient = PatientXml.Replace("0101804321", cpr, StringComparison.Ordinal);

        var issue = Assert.Single(OioXmlReader.Read(Bytes(Letter(patient: patient))).Issues);

        Assert.Equal(MedComErrors.CprInvalid.Code, issue.Code);
        Assert.DoesNotContain(cpr, issue.TextEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2902004000")] // 29 February 2000 (digit 7 = 4, year 00)
    [InlineData("2902965000")] // 29 February 1896 (digit 7 = 5, year 96): a leap year
    [InlineData("3112999999")] // 31 December 1999 (digit 7 = 9, year 99)
    public void A_CPR_number_with_a_real_birth_date_is_accepted(string cpr)
    {
        var patient = PatientXml.Replace("0101804321", cpr, StringComparison.Ordinal);

        Assert.Equal(cpr, ReadLetter(Letter(patient: patient)).Patient.CivilRegistrationNumber);
    }

    [Fact]
    public void A_replacement_CPR_is_accepted_without_a_date_check()
    {
        var patient = "<Patient><AlternativeIdentifier>999999AB12</AlternativeIdentifier><PersonSurnameName>Testesen</PersonSurnameName><EpisodeOfCareStatusCode>inaktiv</EpisodeOfCareStatusCode></Patient>";

        var letter = ReadLetter(Letter(patient: patient));

        Assert.Equal("999999AB12", letter.Patient.Identifier);
        Assert.Null(letter.Patient.CivilRegistrationNumber);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<ClinicalInformation><Text01>  <Break/>  </Text01></ClinicalInformation>")]
    [InlineData("<ClinicalInformation/>")]
    public void A_letter_without_text_is_reported(string text)
    {
        var result = OioXmlReader.Read(Bytes(Letter(text: text)));

        Assert.Equal(MedComErrors.OioXmlTextMissing.Code, Assert.Single(result.Issues).Code);
    }

    [Theory]
    [InlineData("a<Break/>b", "a\nb")]
    [InlineData("a<Break/><Break/>b<Break/>", "a\n\nb\n")]
    [InlineData("a<Space/><Space/>b", "a  b")]
    [InlineData("<Bold>fed</Bold> og <Italic>kursiv<Break/>tekst</Italic>", "fed og kursiv\ntekst")]
    [InlineData("<FixedFont>x<Underline>y</Underline></FixedFont><Center>z</Center><Right>w</Right>", "xyzw")]
    [InlineData("\n      Første linje<Break/>\n      Anden linje\n    ", "Første linje\nAnden linje")]
    [InlineData("en sætning\n   der fortsætter", "en sætning der fortsætter")]
    [InlineData("  indrykket", "  indrykket")]
    [InlineData("&lt;tag&gt; &amp; &quot;citat&quot;", "<tag> & \"citat\"")]
    public void Formatted_text_becomes_plain_text_with_line_breaks(string text01, string expected)
    {
        var letter = ReadLetter(Letter(text: $"<ClinicalInformation><Text01>{text01}</Text01></ClinicalInformation>"));

        Assert.Equal(expected, letter.Text);
    }

    [Fact]
    public void Several_text_sections_are_kept_apart()
    {
        var letter = ReadLetter(Letter(text: "<ClinicalInformation><Text01>første</Text01></ClinicalInformation><ClinicalInformation><Text01>anden</Text01></ClinicalInformation>"));

        Assert.Equal(new[] { "første", "anden" }, letter.ClinicalTexts);
        Assert.Equal("første\nanden", letter.Text);
    }

    [Fact]
    public void References_of_every_kind_are_read()
    {
        var references = ReferenceXml + "<Reference><RefDescription>Vejledning</RefDescription><URL>https://example.invalid/v</URL></Reference><Reference><RefDescription>Supplerende</RefDescription><SUP>true</SUP></Reference>";

        var letter = ReadLetter(Letter(reference: references));

        Assert.Equal(
            new[]
            {
                new OioXmlReference("BIN", null, false, new OioXmlBinaryObject("OBJ1", "tekstfil", "pdf", 1234)),
                new OioXmlReference("Vejledning", "https://example.invalid/v", false, null),
                new OioXmlReference("Supplerende", null, true, null),
            },
            letter.References);
    }

    [Fact]
    public void Several_findings_are_reported_together_with_what_could_be_read()
    {
        var result = OioXmlReader.Read(Bytes(Letter(sender: "", patient: "", text: "")));

        Assert.Equal(
            new[] { MedComErrors.OioXmlSenderMissing.Code, MedComErrors.OioXmlPatientMissing.Code, MedComErrors.OioXmlTextMissing.Code },
            result.Issues.Select(i => i.Code));
        Assert.Equal("ENV00000000001", result.Letter!.Envelope.Identifier);
        Assert.Equal("5790000000029", result.Letter.Receiver.EanIdentifier);
    }

    [Fact]
    public void A_negative_receipt_is_read_with_its_reason()
    {
        var xml = $"""
            <Emessage xmlns="{OioXmlCodes.Namespace2005}">
              <Envelope><Sent><Date>2024-01-10</Date><Time>08:00</Time></Sent><Identifier>R1</Identifier><AcknowledgementCode>minuspositivkvitt</AcknowledgementCode></Envelope>
              <NegativeReceipt>
                <Letter><Identifier>RL1</Identifier><VersionCode>XC0230Q</VersionCode><StatisticalCode>XCTL02</StatisticalCode></Letter>
                <Sender><EANIdentifier>5790000000012</EANIdentifier></Sender>
                <Receiver><EANIdentifier>5790000000029</EANIdentifier></Receiver>
                <OriginalEmessage>
                  <OriginalEnvelopeIdentifier>OURENV1</OriginalEnvelopeIdentifier>
                  <OriginalSender><EANIdentifier>5790000000029</EANIdentifier></OriginalSender>
                  <OriginalReceiver><EANIdentifier>5790000000012</EANIdentifier></OriginalReceiver>
                  <OriginalLetter>
                    <OriginalLetterIdentifier>OURLET1</OriginalLetterIdentifier>
                    <OriginalVersionCode>XD9134L</OriginalVersionCode>
                    <RefuseCode>problem_med_version</RefuseCode>
                    <RefuseText>Forkert<Break/>version</RefuseText>
                  </OriginalLetter>
                </OriginalEmessage>
              </NegativeReceipt>
            </Emessage>
            """;

        var result = OioXmlReader.Read(Bytes(xml));

        Assert.Empty(result.Issues);
        var receipt = Assert.IsType<OioXmlReceipt>(result.Receipt);
        Assert.Equal(OioXmlReceiptKind.Negative, receipt.Kind);
        Assert.Equal("OURENV1", receipt.OriginalEnvelopeIdentifier);
        Assert.Equal(new OioXmlOriginalLetter("OURLET1", "XD9134L", OioXmlRefuseCode.VersionProblem, "Forkert\nversion"), Assert.Single(receipt.OriginalLetters));
        Assert.Equal(OioXmlRefuseCode.VersionProblem, receipt.RefuseCode);
        Assert.Equal("Forkert\nversion", receipt.RefuseText);

        var summary = result.ToSummary();
        Assert.Equal(MedComMessageKind.OioXmlReceipt, summary.Kind);
        Assert.Equal("OURLET1", summary.AcknowledgedMessageId);
        Assert.Equal("negative", summary.AcknowledgementCode);
    }

    [Theory]
    [InlineData("PositiveReceipt", "XC0230Q")]
    [InlineData("NegativeReceipt", "XC0330Q")]
    public void A_receipt_with_the_wrong_version_is_unsupported(string element, string version)
    {
        var xml = $"<Emessage xmlns=\"{OioXmlCodes.Namespace2005}\">{EnvelopeXml}<{element}><Letter><Identifier>RL1</Identifier><VersionCode>{version}</VersionCode><StatisticalCode>XCTL03</StatisticalCode></Letter><Sender><EANIdentifier>1</EANIdentifier></Sender><Receiver><EANIdentifier>2</EANIdentifier></Receiver><OriginalEmessage><OriginalEnvelopeIdentifier>E</OriginalEnvelopeIdentifier></OriginalEmessage></{element}></Emessage>";

        var result = OioXmlReader.Read(Bytes(xml));

        Assert.Equal(MedComErrors.OioXmlVersionUnsupported.Code, Assert.Single(result.Issues).Code);
        Assert.NotNull(result.Receipt);
    }

    [Fact]
    public void A_receipt_without_the_original_envelope_cannot_be_matched_and_is_reported()
    {
        var xml = $"<Emessage xmlns=\"{OioXmlCodes.Namespace2005}\">{EnvelopeXml}<PositiveReceipt><Letter><Identifier>RL1</Identifier><VersionCode>XC0330Q</VersionCode><StatisticalCode>XCTL03</StatisticalCode></Letter><Sender><EANIdentifier>1</EANIdentifier></Sender><Receiver><EANIdentifier>2</EANIdentifier></Receiver><OriginalEmessage/></PositiveReceipt></Emessage>";

        var issue = Assert.Single(OioXmlReader.Read(Bytes(xml)).Issues);

        Assert.Equal(MedComErrors.OioXmlIdentifierMissing.Code, issue.Code);
        Assert.Equal("Emessage/PositiveReceipt/OriginalEmessage/OriginalEnvelopeIdentifier", issue.Location);
    }

    [Fact]
    public void The_summary_carries_what_the_intake_routes_on()
    {
        var result = OioXmlReader.Read(Bytes(Letter()));

        var summary = result.ToSummary();

        Assert.Equal(MedComMessageKind.OioXmlLetter, summary.Kind);
        Assert.Equal(MedComSyntax.OioXml, summary.Syntax);
        Assert.Equal("LET00000000001", summary.MessageId);
        Assert.Equal("ENV00000000001", summary.EnvelopeId);
        Assert.Equal("5790000000012", summary.SenderGln);
        Assert.Equal("Lægerne i Byen", summary.SenderName);
        Assert.Equal("5790000000029", summary.ReceiverGln);
        Assert.Equal("0101804321", summary.PatientCpr);
        Assert.Equal("Tessa Testesen", summary.PatientName);
        Assert.Equal("XDIS91", summary.Category);
        Assert.Equal("Angående henvisning", summary.Topic);
        Assert.Equal("rutine", summary.Priority);
        Assert.True(summary.PositiveReceiptRequested);
        Assert.Equal(new DateTimeOffset(2024, 7, 1, 7, 30, 0, TimeSpan.Zero), summary.SentAt);

        var inbound = result.ToInboundReadResult(Bytes(Letter()));
        Assert.True(inbound.IsValid);
        Assert.IsType<OioXmlLetter>(inbound.Parsed);
    }

    [Theory]
    [MemberData(nameof(HostileXml.Cases), MemberType = typeof(HostileXml))]
    public void Hostile_input_gives_a_finding_never_an_exception(string name, string expectedCode)
    {
        var result = OioXmlReader.Read(HostileXml.Body(name));

        Assert.Equal(expectedCode, Assert.Single(result.Issues).Code);
        Assert.Null(result.Letter);
        Assert.Null(result.Receipt);
    }

    [Fact]
    public void Markup_inside_a_simple_value_is_not_taken_as_the_value()
    {
        var xml = Letter(envelope: "<Envelope><Identifier><b>ENV1</b></Identifier></Envelope>");

        var result = OioXmlReader.Read(Bytes(xml));

        Assert.Equal(MedComErrors.OioXmlIdentifierMissing.Code, Assert.Single(result.Issues).Code);
    }

    [Theory]
    [InlineData("<Sent><Date>2024-13-01</Date><Time>09:30</Time></Sent>")]
    [InlineData("<Sent><Date>0001-01-01</Date><Time>00:30</Time></Sent>")]
    [InlineData("<Sent><Date>2024-07-01</Date><Time>25:00</Time></Sent>")]
    [InlineData("")]
    public void An_unreadable_sent_time_is_left_empty(string sent)
    {
        var letter = ReadLetter(Letter(envelope: $"<Envelope>{sent}<Identifier>E1</Identifier><AcknowledgementCode>minuspositivkvitt</AcknowledgementCode></Envelope>"));

        Assert.Null(letter.Envelope.Sent);
        Assert.False(letter.Envelope.PositiveReceiptRequested);
    }
}
