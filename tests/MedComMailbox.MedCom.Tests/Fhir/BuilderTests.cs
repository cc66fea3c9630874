using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Fhir;

namespace MedComMailbox.MedCom.Tests.Fhir;

/// <summary>Build → serialise (JSON and XML) → parse → validate → the same model.</summary>
public sealed class BuilderTests
{
    private static readonly MailboxIdentity Us = new("5790000991006", "1234561000016001", "Koordinationsudvalget for børn og unge, Eksempel Kommune");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 30, 0, TimeSpan.FromHours(1));
    private static readonly SegmentAuthor HealthVisitor = new("Hanne", "Sundby", "sundhedsplejerske", null, "70101010");

    public static TheoryData<string> Syntaxes => new() { "json", "xml" };

    private static MedComFhirMessage Referral() => (MedComFhirMessage)new InboundReader().Read(
        Serialise(CareCommunicationBuilder.New(
            new NewCareCommunicationDraft("5790000991006", "1234561000016001", "Koordinationsudvalget", "0101141234", "Ida", "Eksempel",
                "regarding-referral", "Henvisning til koordinationsudvalget", "routine",
                new SegmentDraft("Henvisning af Ida, 12 år.", new SegmentAuthor("Lars", "Læge", "speciallaegeipraksis", null, "70202020"))),
            new MailboxIdentity("5790000882007", "2345671000016005", "Lægerne i Eksempelby"), Now.AddDays(-1)), "json"), null).Parsed!;

    private static byte[] Serialise(Resource resource, string syntax) =>
        System.Text.Encoding.UTF8.GetBytes(syntax == "json" ? FhirCodec.ToJson(resource) : FhirCodec.ToXml(resource));

    private static InboundReadResult RoundTrip(Bundle bundle, string syntax)
    {
        var result = new InboundReader([Us, new MailboxIdentity("5790000882007", "2345671000016005", "GP")]).Read(Serialise(bundle, syntax), null);
        Assert.True(result.IsValid, string.Join("; ", result.Issues.Select(i => $"{i.Code} at {i.Location}")));
        Assert.DoesNotContain(result.Issues, i => i.Severity == MedComIssueSeverity.Warning);
        return result;
    }

    [Theory]
    [MemberData(nameof(Syntaxes))]
    public void New_message_round_trips(string syntax)
    {
        var draft = new NewCareCommunicationDraft("5790000882007", "2345671000016005", "Lægerne i Eksempelby", "0101141234", "Ida", "Eksempel",
            "other", "Spørgsmål om barnet", null,
            new SegmentDraft("Vi har et spørgsmål.", HealthVisitor, [new OutgoingAttachment("application/pdf", "Skema", "%PDF-1.4 test"u8.ToArray())]));

        var bundle = CareCommunicationBuilder.New(draft, Us, Now);
        var message = (MedComFhirMessage)RoundTrip(bundle, syntax).Parsed!;

        Assert.Equal(MedComMessageKind.CareCommunication, message.Kind);
        Assert.Equal("5790000882007", message.Receiver!.Gln);
        Assert.Equal(Us.Gln, message.Sender!.Gln);
        Assert.Equal("0101141234", message.Patient!.Identifier);
        Assert.Equal("other", message.CareCommunication!.Category);
        Assert.Equal("Spørgsmål om barnet", message.CareCommunication.Topic);
        Assert.Null(message.CareCommunication.Priority);
        Assert.Equal(2, message.CareCommunication.Segments.Count);
        Assert.Equal("Vi har et spørgsmål.", message.CareCommunication.Segments[0].Text);
        Assert.Equal("Sundby", message.CareCommunication.Segments[0].Author!.FamilyName);
        Assert.Equal("sundhedsplejerske", message.CareCommunication.Segments[0].Author!.RoleCode);
        Assert.Equal(Convert.ToBase64String("%PDF-1.4 test"u8.ToArray()), message.CareCommunication.Segments[1].Attachment!.Data);
        Assert.Equal("new-message", message.Activity);
        Assert.Equal(message.CareCommunication.Segments.Select(s => s.Identifier), message.LatestProvenance!.SourceIdentifiers);
        AssertSameModel(MedComFhirReader.Read(bundle), message);
    }

    [Theory]
    [MemberData(nameof(Syntaxes))]
    public void Reply_keeps_the_thread_and_appends_a_segment(string syntax)
    {
        var referral = Referral();
        var withAttachment = referral with { };

        var reply = CareCommunicationBuilder.Reply(withAttachment, new SegmentDraft("Tak for henvisningen.", HealthVisitor), Us, Now);
        var message = (MedComFhirMessage)RoundTrip(reply, syntax).Parsed!;

        Assert.NotEqual(referral.HeaderId, message.HeaderId);
        Assert.NotEqual(referral.BundleId, message.BundleId);
        Assert.Equal(referral.CareCommunication!.CommunicationId, message.CareCommunication!.CommunicationId);
        Assert.Equal(referral.Sender!.Gln, message.Receiver!.Gln);
        Assert.Equal(Us.Gln, message.Sender!.Gln);
        Assert.Equal(referral.SourceEndpoint, message.ReceiverEndpoint);
        Assert.Equal(2, message.CareCommunication.Segments.Count);
        Assert.Equal(referral.CareCommunication.Segments[0].Identifier, message.CareCommunication.Segments[0].Identifier);
        Assert.Equal("Tak for henvisningen.", message.CareCommunication.Segments[1].Text);
        Assert.Equal("reply-message", message.Activity);
        Assert.Equal($"MessageHeader/{referral.HeaderId}", message.Predecessor);
        Assert.Equal(2, message.Provenances.Count);
        AssertSameModel(MedComFhirReader.Read(reply), message);
    }

    [Fact]
    public void Reply_refers_to_earlier_attachments_by_identifier_only()
    {
        var draft = new SegmentDraft("Se bilag.", HealthVisitor, [new OutgoingAttachment("application/pdf", "Bilag", new byte[2048])]);
        var first = (MedComFhirMessage)new InboundReader().Read(Serialise(CareCommunicationBuilder.New(
            new NewCareCommunicationDraft("5790000882007", "2345671000016005", "GP", "0101141234", null, null, "regarding-referral", null, "asap", draft), Us, Now), "json"), null).Parsed!;

        var reply = CareCommunicationBuilder.Reply(first, new SegmentDraft("Svar.", HealthVisitor), new MailboxIdentity("5790000882007", "2345671000016005", "GP"), Now.AddHours(1));
        var message = MedComFhirReader.Read(reply);

        var earlier = message.CareCommunication!.Segments[1];
        Assert.Equal(first.CareCommunication!.Segments[1].Identifier, earlier.Identifier);
        Assert.Null(earlier.Attachment!.Data);
        Assert.Equal("Bilag", earlier.Attachment.Title);
        Assert.NotNull(first.CareCommunication.Segments[1].Attachment!.Data);
    }

    [Theory]
    [InlineData(AcknowledgementOutcome.Ok, "ok", "json")]
    [InlineData(AcknowledgementOutcome.Ok, "ok", "xml")]
    [InlineData(AcknowledgementOutcome.TransientError, "transient-error", "json")]
    [InlineData(AcknowledgementOutcome.FatalError, "fatal-error", "json")]
    [InlineData(AcknowledgementOutcome.FatalError, "fatal-error", "xml")]
    public void Acknowledgement_round_trips(AcknowledgementOutcome outcome, string code, string syntax)
    {
        var referral = Referral();
        IReadOnlyList<MedComIssue> issues = outcome == AcknowledgementOutcome.FatalError ? [MedComErrors.TopicRequired.At("Communication.topic")] : [];

        var ack = AcknowledgementBuilder.Build(referral, outcome, issues, Us, Now);
        var result = new InboundReader().Read(Serialise(ack, syntax), null);
        var message = (MedComFhirMessage)result.Parsed!;

        Assert.True(result.IsValid, string.Join("; ", result.Issues.Select(i => $"{i.Code} at {i.Location}")));
        Assert.Equal(MedComMessageKind.Acknowledgement, message.Kind);
        Assert.Equal(referral.HeaderId, message.Acknowledgement!.ResponseIdentifier);
        Assert.Equal(code, message.Acknowledgement.Code);
        Assert.Equal(referral.Sender!.Gln, message.Receiver!.Gln);
        Assert.Equal(referral.SourceEndpoint, message.ReceiverEndpoint);
        Assert.Equal(Us.Gln, message.Sender!.Gln);
        Assert.Equal("acknowledgement", message.Activity);
        Assert.Equal($"MessageHeader/{referral.HeaderId}", message.Predecessor);
        Assert.Contains(message.Provenances, p => p.Id == referral.LatestProvenance!.Id);
        if (outcome == AcknowledgementOutcome.Ok)
        {
            Assert.Empty(message.Acknowledgement.Issues);
        }
        else
        {
            var issue = Assert.Single(message.Acknowledgement.Issues);
            Assert.Equal(outcome == AcknowledgementOutcome.FatalError ? MedComErrors.AckCodes.DatatypeWrong : MedComErrors.AckCodes.OutOfOperation, issue.DetailCode);
        }

        AssertSameModel(MedComFhirReader.Read(ack), message);
    }

    [Fact]
    public void An_acknowledgement_is_never_acknowledged()
    {
        var ack = MedComFhirReader.Read(AcknowledgementBuilder.Build(Referral(), AcknowledgementOutcome.Ok, [], Us, Now));

        Assert.False(AcknowledgementBuilder.CanAcknowledge(ack));
        Assert.Throws<InvalidOperationException>(() => AcknowledgementBuilder.Build(ack, AcknowledgementOutcome.Ok, [], Us, Now));
    }

    [Fact]
    public void Builders_are_deterministic_given_ids_and_time()
    {
        var n = 0;
        Guid Ids() => new($"00000000-0000-4000-8000-{++n:D12}");
        var referral = Referral();

        var first = FhirCodec.ToJson(AcknowledgementBuilder.Build(referral, AcknowledgementOutcome.Ok, [], Us, Now, Ids));
        n = 0;
        var second = FhirCodec.ToJson(AcknowledgementBuilder.Build(referral, AcknowledgementOutcome.Ok, [], Us, Now, Ids));

        Assert.Equal(first, second);
    }

    private static void AssertSameModel(MedComFhirMessage expected, MedComFhirMessage actual)
    {
        Assert.Equal(expected.HeaderId, actual.HeaderId);
        Assert.Equal(expected.BundleId, actual.BundleId);
        Assert.Equal(expected.Sender, actual.Sender);
        Assert.Equal(expected.Receiver, actual.Receiver);
        Assert.Equal(expected.Patient, actual.Patient);
        Assert.Equal(expected.CareCommunication?.Segments ?? [], actual.CareCommunication?.Segments ?? []);
        Assert.Equal(expected.CareCommunication?.CommunicationId, actual.CareCommunication?.CommunicationId);
        Assert.Equal(expected.Provenances.Select(p => (p.Id, p.Activity, p.Target, p.Revision)), actual.Provenances.Select(p => (p.Id, p.Activity, p.Target, p.Revision)));
        Assert.Equal(expected.Acknowledgement?.Code, actual.Acknowledgement?.Code);
        Assert.Equal(expected.Acknowledgement?.Issues ?? [], actual.Acknowledgement?.Issues ?? []);
    }
}
