using System.Text;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Fhir;

namespace MedComMailbox.IntegrationTests.Intake;

/// <summary>The GP's acknowledgement of a message we sent, built as the GP's system would (MedCom's builder, the GP as sender).</summary>
internal static class GpAcknowledgements
{
    public static readonly MailboxIdentity Gp = new(Samples.GpGln, "2345671000016005", "Lægerne i Eksempelby");

    /// <summary>Of our sample reply (<c>carecommunication/reply-from-mailbox.json</c>).</summary>
    public static byte[] OfOurReply(AcknowledgementOutcome outcome) => Of(Samples.Read("carecommunication/reply-from-mailbox.json"), outcome);

    /// <summary>Of the stored bytes of any CareCommunication we sent; an error outcome carries one issue.</summary>
    public static byte[] Of(byte[] ourMessage, AcknowledgementOutcome outcome)
    {
        var read = new InboundReader([Gp]).Read(ourMessage, null);
        var issues = outcome == AcknowledgementOutcome.Ok ? Array.Empty<MedComIssue>() : [MedComErrors.SyntaxInvalid.At()];
        var bundle = AcknowledgementBuilder.Build((MedComFhirMessage)read.Parsed!, outcome, issues, Gp, DateTimeOffset.UtcNow);
        return Encoding.UTF8.GetBytes(FhirCodec.ToJson(bundle));
    }
}
