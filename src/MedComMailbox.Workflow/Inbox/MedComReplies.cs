using System.Text;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.OioXml;

namespace MedComMailbox.Workflow.Inbox;

/// <summary>
/// Answers a received message in its own syntax: a CareCommunication reply in the same thread, or an XDIS91 letter back
/// to the sender of an OIOXML letter. Shared by the workflow's letters to the GP and the inbox's replies.
/// </summary>
public static class MedComReplies
{
    private static readonly OioXmlLetterBuilder OioXml = new();

    public static OutboundDocument Build(MessageRecord received, object? parsed, SegmentDraft segment, string? subject, MailboxIdentity us, DateTimeOffset now) =>
        parsed switch
        {
            MedComFhirMessage fhir => Fhir(fhir, received, segment, us, now),
            OioXmlLetter letter => OioXml.BuildReply(letter, us, subject ?? letter.Subject, segment.Text, now).ToOutboundDocument(),
            _ => throw new InvalidOperationException("The message cannot be read back to answer it."),
        };

    /// <summary>A new CareCommunication (not an answer), e.g. written by staff to a GP.</summary>
    public static OutboundDocument New(NewCareCommunicationDraft draft, MailboxIdentity us, DateTimeOffset now)
    {
        var bundle = CareCommunicationBuilder.New(draft, us, now);
        return Document(bundle, draft.Category, draft.ReceiverGln);
    }

    private static OutboundDocument Fhir(MedComFhirMessage received, MessageRecord row, SegmentDraft segment, MailboxIdentity us, DateTimeOffset now)
    {
        _ = received.HeaderId ?? throw new InvalidOperationException("The message has no MessageHeader id.");
        var bundle = CareCommunicationBuilder.Reply(received, segment, us, now);
        return Document(bundle, row.Category, row.SenderGln);
    }

    private static OutboundDocument Document(Hl7.Fhir.Model.Bundle bundle, string? category, string? receiverGln)
    {
        var body = Encoding.UTF8.GetBytes(FhirCodec.ToJson(bundle, pretty: false));
        var headerId = bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.MessageHeader>().First().Id ?? throw new InvalidOperationException("The built message has no MessageHeader id.");
        return new OutboundDocument(headerId, MedComMessageKind.CareCommunication, MedComSyntax.FhirJson, "application/fhir+json", body,
            $"MCM:FDIS91#{category ?? "other"}", receiverGln);
    }
}
