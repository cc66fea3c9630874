using Dapper;
using MedComMailbox.Contracts;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Vans;
using MedComMailbox.MedCom;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.MedComSending;

/// <summary>
/// Sends a MedCom message we wrote (a reply, a receipt letter to a GP): stores it in its thread, queues its
/// envelope, and waits for the receiver's acknowledgement. Without one after <see cref="VansOptions.AcknowledgementTimeout"/>
/// it is resent with a new envelope id, at most <see cref="VansOptions.MaxResends"/> times, then flagged.
/// </summary>
public sealed partial class OutboundMessages(
    MessageStore store,
    OutboxStore outbox,
    IEnvelopeCodec envelopes,
    OutboxSignal signal,
    IOptions<VansOptions> vans,
    TimeProvider time,
    ILogger<OutboundMessages> logger)
{
    // Our own builders made the document; it is read back for its summary only (see StoredMessageReader). Our builders'
    // output is checked against MedCom's profiles in MedCom.Tests (BuilderTests).
    private static readonly StoredMessageReader Reader = new();

    /// <summary>Stores and queues the document; returns our id of the stored message.</summary>
    public async Task<Guid> SendAsync(OutboundDocument document, MailboxIdentity from, CancellationToken cancellationToken)
    {
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await SendAsync(connection, transaction, document, from);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        return id;
    }

    /// <summary>
    /// Stores and queues the document in the caller's transaction, so that it goes out only if the caller's own change
    /// commits (the workflow's case and its reply to the GP). The dispatcher picks it up after the commit.
    /// </summary>
    public Task<Guid> SendAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, OutboundDocument document, MailboxIdentity from) =>
        StoreAsync(connection, transaction, Prepare(document, from));

    /// <summary>
    /// The CPU part of sending, for a caller to do before its write transaction: the read-back for the thread and routing
    /// facts, the row with its copy and SHA-256 of the body, and the VANS envelope.
    /// </summary>
    public PreparedOutbound Prepare(OutboundDocument document, MailboxIdentity from)
    {
        var receiver = document.ReceiverGln ?? throw new ArgumentException("The document names no receiver.", nameof(document));
        // Read back as the receiver will, for the thread and routing facts; the builders made it valid.
        var s = Reader.Read(document.Body, document.ContentType).Summary;
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var id = Guid.NewGuid();
        var raw = document.Body.ToArray();
        var record = MessageRecord.Create(id, MessageDirection.Out, s, raw, nowMs);
        record.Status = ExpectsAcknowledgement(document) ? MessageStatus.Sent : MessageStatus.Acknowledged;
        record.Channel = MessageChannel.App;
        record.Kind = document.Kind.ToString();
        record.Syntax = document.Syntax.ToString();
        record.ContentType = document.ContentType;
        record.DocumentName = document.DocumentName;
        record.MailboxGln = from.Gln;
        record.SenderGln = from.Gln;
        record.SenderSor = from.SorId;
        record.ReceiverGln = receiver;
        record.MessageId = document.MessageId;
        record.SendAttempts = 1;
        record.LastSentAt = nowMs;
        var envelope = OutgoingEnvelope.Wrap(envelopes, document, from.Gln, receiver, now);
        record.EnvelopeId = envelope.EnvelopeId;
        return new PreparedOutbound(record, envelope, document.Kind);
    }

    /// <summary>Stores and queues a prepared document in the caller's transaction (only SQL). Returns our id of the stored message.</summary>
    public async Task<Guid> StoreAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, PreparedOutbound prepared)
    {
        var record = prepared.Record;
        await store.PlaceInThreadAsync(connection, transaction, record);
        await store.InsertAsync(connection, transaction, record);
        await store.AdoptOrphansAsync(connection, transaction, record);
        await QueueDeliveryAsync(connection, transaction, record.Id, prepared.Kind, prepared.Envelope, record.LastSentAt ?? record.ReceivedAt);
        var id = Guid.Parse(record.Id);
        LogSent(logger, id, prepared.Kind);
        return id;
    }

    /// <summary>
    /// Resends what is overdue and flags what has had its last resend. Called by <see cref="AcknowledgementWatchdog"/>;
    /// returns (resent, flagged).
    /// </summary>
    public async Task<(int Resent, int Flagged)> ResendOverdueAsync(CancellationToken cancellationToken)
    {
        var options = vans.Value;
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var cutoff = now.Subtract(options.AcknowledgementTimeout).ToUnixTimeMilliseconds();
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        var overdue = (await connection.QueryAsync<MessageRecord>(
            """
            SELECT id, kind, syntax, content_type, document_name, mailbox_gln, receiver_gln, message_id, send_attempts, raw
            FROM messages
            WHERE direction = 'out' AND status = 'sent' AND ack_code IS NULL AND last_sent_at <= @cutoff
            ORDER BY last_sent_at
            """,
            new { cutoff })).AsList();

        int resent = 0, flagged = 0;
        foreach (var m in overdue)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (m.SendAttempts > options.MaxResends)
            {
                if (await MessageStore.FlagUnacknowledgedAsync(connection, transaction, m.Id))
                {
                    await outbox.PublishLaterAsync(connection, transaction, m.Id, new OutboundMessageFlagged(Guid.Parse(m.Id), "no-acknowledgement", m.SendAttempts, now), nowMs);
                    flagged++;
                    LogFlagged(logger, Guid.Parse(m.Id), m.SendAttempts);
                }
            }
            else
            {
                var document = new OutboundDocument(m.MessageId ?? m.Id, Enum.Parse<MedComMessageKind>(m.Kind), Enum.Parse<MedComSyntax>(m.Syntax), m.ContentType ?? "", m.Raw, m.DocumentName ?? "", m.ReceiverGln);
                var envelope = OutgoingEnvelope.Wrap(envelopes, document, m.MailboxGln!, m.ReceiverGln!, now);
                if (await MessageStore.RecordResendAsync(connection, transaction, m.Id, m.SendAttempts, envelope.EnvelopeId, nowMs))
                {
                    await QueueDeliveryAsync(connection, transaction, m.Id, document.Kind, envelope, nowMs);
                    resent++;
                    LogResent(logger, Guid.Parse(m.Id), m.SendAttempts + 1);
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        if (resent + flagged > 0)
        {
            signal.Notify();
        }

        return (resent, flagged);
    }

    /// <summary>
    /// An operator's resend of one message that has no good acknowledgement (sent past the timeout, flagged, or refused
    /// with a negative one): a new envelope id, the old answer cleared, and the watchdog tracks it again (it flags the
    /// message once more if no answer comes, without resending on its own). False when there is nothing to resend.
    /// </summary>
    public async Task<bool> ResendAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var m = await connection.QuerySingleOrDefaultAsync<MessageRecord>(
            """
            SELECT id, status, kind, syntax, content_type, document_name, mailbox_gln, receiver_gln, message_id, send_attempts, raw
            FROM messages WHERE id = @id AND direction = 'out' AND status IN ('sent', 'flagged', 'failed')
            """,
            new { id = id.ToString() },
            transaction);
        if (m?.MailboxGln is null || m.ReceiverGln is null)
        {
            return false;
        }

        var document = new OutboundDocument(m.MessageId ?? m.Id, Enum.Parse<MedComMessageKind>(m.Kind), Enum.Parse<MedComSyntax>(m.Syntax), m.ContentType ?? "", m.Raw, m.DocumentName ?? "", m.ReceiverGln);
        var envelope = OutgoingEnvelope.Wrap(envelopes, document, m.MailboxGln, m.ReceiverGln, now);
        if (!await MessageStore.RecordSendAsync(connection, transaction, m.Id, m.Status, m.SendAttempts, envelope.EnvelopeId, nowMs))
        {
            return false;
        }

        await QueueDeliveryAsync(connection, transaction, m.Id, document.Kind, envelope, nowMs);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        LogResentByOperator(logger, id, m.SendAttempts + 1);
        return true;
    }

    private Task QueueDeliveryAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string messageId, MedComMessageKind kind, OutgoingEnvelope envelope, long nowMs) =>
        outbox.AddAsync(connection, transaction, new OutboxRecord
        {
            MessageId = messageId,
            Kind = OutboxKind.Deliver,
            Type = kind.ToString(),
            Payload = envelope.Bytes,
            FileName = envelope.FileName,
            CreatedAt = nowMs,
            DueAt = nowMs,
        });

    // Acknowledgements and receipts are never acknowledged themselves.
    private static bool ExpectsAcknowledgement(OutboundDocument document) =>
        document.Kind is MedComMessageKind.CareCommunication or MedComMessageKind.OioXmlLetter;

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} ({Kind}) queued for sending")]
    private static partial void LogSent(ILogger logger, Guid messageId, MedComMessageKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} had no acknowledgement in time; sent again (attempt {Attempt}) with a new envelope id")]
    private static partial void LogResent(ILogger logger, Guid messageId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} sent again by an operator (attempt {Attempt}) with a new envelope id")]
    private static partial void LogResentByOperator(ILogger logger, Guid messageId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} is still unacknowledged after {Attempts} sends; flagged for a person")]
    private static partial void LogFlagged(ILogger logger, Guid messageId, int attempts);
}
