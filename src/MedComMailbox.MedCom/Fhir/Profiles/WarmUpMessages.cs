using Hl7.Fhir.Model;

namespace MedComMailbox.MedCom.Fhir.Profiles;

/// <summary>
/// One fictitious CareCommunication with an attachment and its acknowledgement, built by the library's own
/// builders, for <see cref="MedComProfileValidator.Warm"/>: validating them compiles every profile a real
/// message meets, at start instead of on the first message.
/// </summary>
internal static class WarmUpMessages
{
    private static readonly MailboxIdentity Us = new("5790000991006", "1234561000016001", "Warm-up");
    private static readonly DateTimeOffset At = new(2025, 1, 1, 12, 0, 0, TimeSpan.FromHours(1));

    public static IEnumerable<(Bundle Bundle, MedComMessageKind Kind)> All()
    {
        var author = new SegmentAuthor("Warm", "Up", "sundhedsplejerske", null, "70101010");
        var segment = new SegmentDraft("Warm-up.", author, [new OutgoingAttachment("application/pdf", "Warm-up", new byte[16], At)]);
        var message = CareCommunicationBuilder.New(
            new NewCareCommunicationDraft("5790000882007", "2345671000016005", "Warm-up", "0101141234", "Warm", "Up", "regarding-referral", null, "routine", segment), Us, At);
        yield return (message, MedComMessageKind.CareCommunication);

        var read = MedComFhirReader.Read(message);
        var ack = AcknowledgementBuilder.Build(read, AcknowledgementOutcome.Ok, [], new MailboxIdentity("5790000882007", "2345671000016005", "Warm-up"), At);
        yield return (ack, MedComMessageKind.Acknowledgement);
    }
}
