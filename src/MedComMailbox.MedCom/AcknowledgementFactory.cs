using System.Text;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.OioXml;

namespace MedComMailbox.MedCom;

/// <summary>
/// The answer a received message is owed, ready for the outbox: a FHIR acknowledgement (every FHIR message but an
/// acknowledgement), or an OIOXML receipt (negative when the letter is rejected, positive only when the envelope
/// asks for it). Null when nothing is owed or the message reveals no one to answer.
/// </summary>
public sealed class AcknowledgementFactory(Func<Guid>? newId = null, Func<string>? newOioXmlIdentifier = null) : IAcknowledgementFactory
{
    private readonly OioXmlReceiptBuilder _receipts = new(newOioXmlIdentifier);

    public OutboundDocument? CreateAcknowledgement(InboundReadResult received, AcknowledgementOutcome outcome, IReadOnlyList<MedComIssue> issues, MailboxIdentity us, DateTimeOffset now) =>
        received.Parsed switch
        {
            MedComFhirMessage message when AcknowledgementBuilder.CanAcknowledge(message) => Fhir(message, outcome, issues, us, now),
            OioXmlLetter letter => OioXml(letter, outcome, issues, us, now),
            _ => null,
        };

    /// <summary>A negative acknowledgement is never larger than this, whatever came in (fewer issues are listed until it fits).</summary>
    public const int MaxAcknowledgementBytes = 8 * 1024;

    private OutboundDocument Fhir(MedComFhirMessage message, AcknowledgementOutcome outcome, IReadOnlyList<MedComIssue> issues, MailboxIdentity us, DateTimeOffset now)
    {
        var max = IssueLimits.MaxIssues;
        while (true)
        {
            var document = FhirOnce(message, outcome, IssueLimits.Limit(issues, max), us, now);
            if (document.Body.Length <= MaxAcknowledgementBytes || max == 1)
            {
                return document;
            }

            max = Math.Max(1, max / 2);
        }
    }

    private OutboundDocument FhirOnce(MedComFhirMessage message, AcknowledgementOutcome outcome, IReadOnlyList<MedComIssue> issues, MailboxIdentity us, DateTimeOffset now)
    {
        var bundle = AcknowledgementBuilder.Build(message, outcome, issues, us, now, newId);
        var header = (Hl7.Fhir.Model.MessageHeader)bundle.Entry[0].Resource!;
        var code = Hl7.Fhir.Utility.EnumUtility.GetLiteral(header.Response!.Code!.Value);
        return new OutboundDocument(
            header.Id!,
            MedComMessageKind.Acknowledgement,
            MedComSyntax.FhirJson,
            ContentSniffer.FhirJson,
            Encoding.UTF8.GetBytes(FhirCodec.ToJson(bundle, pretty: false)),
            $"MCM:FCTL#{code}",
            message.Sender!.Gln);
    }

    // OIOXML has no "transient" receipt: after a technical fault the letter is stored later and answered then.
    private OutboundDocument? OioXml(OioXmlLetter letter, AcknowledgementOutcome outcome, IReadOnlyList<MedComIssue> issues, MailboxIdentity us, DateTimeOffset now)
    {
        if (OioXmlReceiptOriginal.From(letter, us.Gln) is not { } original)
        {
            return null;
        }

        if (outcome == AcknowledgementOutcome.FatalError)
        {
            var first = IssueLimits.Limit(issues).FirstOrDefault(i => i.IsBlocking);
            var code = first is null ? OioXmlRefuseCode.NotSpecified : OioXmlRefuseCodes.For(first);
            var text = first is null ? null : $"{first.Code}: {first.TextDa}";
            return _receipts.BuildNegative(original, us.Gln, code, text, now).ToOutboundDocument();
        }

        return outcome == AcknowledgementOutcome.Ok && letter.Envelope.PositiveReceiptRequested
            ? _receipts.BuildPositive(original, us.Gln, now).ToOutboundDocument()
            : null;
    }
}
