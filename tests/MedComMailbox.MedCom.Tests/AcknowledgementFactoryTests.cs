using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.OioXml;
using MedComMailbox.Tests;

namespace MedComMailbox.MedCom.Tests;

/// <summary>What each received sample is owed, as the intake will ask for it.</summary>
public sealed class AcknowledgementFactoryTests
{
    private static readonly MailboxIdentity Us = new("5790000991006", "1234561000016001", "Koordinationsudvalget for børn og unge, Eksempel Kommune");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1));
    private readonly AcknowledgementFactory _factory = new();

    private static InboundReadResult Read(params string[] path) => new InboundReader([Us]).Read(File.ReadAllBytes(RepoPaths.Sample(path)), null);

    [Fact]
    public void A_valid_referral_gets_an_ok_acknowledgement_addressed_to_the_gp()
    {
        var received = Read("carecommunication", "gp-referral-child.json");

        var document = _factory.CreateAcknowledgement(received, AcknowledgementOutcome.Ok, [], Us, Now)!;

        Assert.Equal("MCM:FCTL#ok", document.DocumentName);
        Assert.Equal(received.Summary.SenderGln, document.ReceiverGln);
        var ack = new InboundReader().Read(document.Body, document.ContentType);
        Assert.True(ack.IsValid);
        Assert.Equal(received.Summary.MessageId, ack.Summary.AcknowledgedMessageId);
        Assert.Equal("ok", ack.Summary.AcknowledgementCode);
    }

    [Fact]
    public void An_invalid_message_gets_a_fatal_error_naming_the_rule()
    {
        var received = Read("invalid", "topic-required.json");

        var document = _factory.CreateAcknowledgement(received, AcknowledgementOutcome.FatalError, received.Issues, Us, Now)!;
        var ack = (MedComFhirMessage)new InboundReader().Read(document.Body, null).Parsed!;

        Assert.Equal("MCM:FCTL#fatal-error", document.DocumentName);
        Assert.Equal("fatal-error", ack.Acknowledgement!.Code);
        Assert.Contains(ack.Acknowledgement.Issues, i => i.Text!.Contains(MedComErrors.TopicRequired.TextDa, StringComparison.Ordinal));
    }

    [Fact]
    public void An_acknowledgement_is_not_acknowledged() =>
        Assert.Null(_factory.CreateAcknowledgement(Read("acknowledgement", "ack-ok-from-gp.json"), AcknowledgementOutcome.Ok, [], Us, Now));

    [Fact]
    public void An_unreadable_body_reveals_no_one_to_answer() =>
        Assert.Null(_factory.CreateAcknowledgement(new InboundReader().Read("{ not json"u8.ToArray(), null), AcknowledgementOutcome.FatalError, [], Us, Now));

    [Fact]
    public void An_oioxml_letter_asking_for_it_gets_a_positive_receipt_and_one_not_asking_gets_none()
    {
        var asking = Read("oioxml", "xdis91-letter-from-gp.xml");
        var notAsking = Read("oioxml", "xdis91-letter-minus-positive.xml");

        var receipt = _factory.CreateAcknowledgement(asking, AcknowledgementOutcome.Ok, [], Us, Now)!;

        Assert.Null(_factory.CreateAcknowledgement(notAsking, AcknowledgementOutcome.Ok, [], Us, Now));
        var read = OioXmlReader.Read(receipt.Body);
        Assert.Equal(OioXmlReceiptKind.Positive, read.Receipt!.Kind);
        Assert.Equal(asking.Summary.EnvelopeId, read.Receipt.OriginalEnvelopeIdentifier);
        Assert.Equal(asking.Summary.MessageId, read.Receipt.OriginalLetters.Single().Identifier);
    }

    [Fact]
    public void A_rejected_oioxml_letter_gets_a_negative_receipt()
    {
        var received = Read("invalid", "oioxml-text-missing.xml");

        var receipt = _factory.CreateAcknowledgement(received, AcknowledgementOutcome.FatalError, received.Issues, Us, Now)!;

        var read = OioXmlReader.Read(receipt.Body);
        Assert.Equal(OioXmlReceiptKind.Negative, read.Receipt!.Kind);
        Assert.Equal(received.Summary.SenderGln, receipt.ReceiverGln);
    }
}
