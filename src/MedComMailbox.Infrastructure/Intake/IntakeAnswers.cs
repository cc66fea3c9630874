using System.Data.Common;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Vans;
using MedComMailbox.MedCom;

namespace MedComMailbox.Infrastructure.Intake;

/// <summary>
/// The answer to an inbound message: the acknowledgement (or OIOXML receipt) with its VANS envelope, built before the
/// write, and queued in the outbox inside the intake's transaction (<see cref="IntakeTransaction"/>).
/// </summary>
internal sealed class IntakeAnswers(IAcknowledgementFactory acknowledgements, IEnvelopeCodec envelopes, OutboxStore outbox)
{
    /// <summary>The acknowledgement (or OIOXML receipt) to send, and the envelope it goes out in when it has a receiver.</summary>
    internal PreparedAnswer Prepare(InboundReadResult read, AcknowledgementOutcome outcome, IReadOnlyList<MedComIssue> issues, MailboxIdentity us, string? senderGln, DateTimeOffset now)
    {
        var answer = acknowledgements.CreateAcknowledgement(read, outcome, issues, us, now);
        var envelope = answer is not null && (answer.ReceiverGln ?? senderGln) is { } to ? OutgoingEnvelope.Wrap(envelopes, answer, us.Gln, to, now) : null;
        return new PreparedAnswer(answer, envelope);
    }

    internal async Task QueueAnswerAsync(DbConnection connection, DbTransaction transaction, string messageId, PreparedAnswer prepared, DateTimeOffset now)
    {
        if (prepared is not { Answer: { } answer, Envelope: { } envelope })
        {
            return;
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        await outbox.AddAsync(connection, transaction, new OutboxRecord
        {
            MessageId = messageId,
            Kind = OutboxKind.Deliver,
            Type = answer.Kind.ToString(),
            Payload = envelope.Bytes,
            FileName = envelope.FileName,
            CreatedAt = nowMs,
            DueAt = nowMs,
        });
    }

    internal sealed record PreparedAnswer(OutboundDocument? Answer, OutgoingEnvelope? Envelope);

    internal static string? AnswerCode(OutboundDocument? answer) => answer switch
    {
        null => null,
        { Kind: MedComMessageKind.Acknowledgement } => answer.DocumentName[(answer.DocumentName.IndexOf('#', StringComparison.Ordinal) + 1)..],
        _ => answer.DocumentName == MedCom.OioXml.OioXmlCodes.NegativeReceiptDocumentName ? "negative" : "positive",
    };
}
