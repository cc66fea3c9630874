using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace MedComMailbox.Infrastructure.Storage;

/// <summary>
/// The SQL for messages, threads and the outbox. Every method takes the caller's connection and transaction, so
/// a message, its acknowledgement and its bus event are committed together or not at all.
/// </summary>
public sealed class MessageStore(MailboxDatabase database)
{
    private const string Columns = """
        id, direction, status, channel, source_name, received_at, kind, syntax, content_type, document_name, mailbox_gln,
        sender_gln, sender_sor, receiver_gln, receiver_sor, message_id, bundle_id, envelope_id, dedupe_key, patient_cpr,
        category, topic, priority, activity, communication_id, predecessor_ref, parent_id, thread_id, acknowledged_message_id,
        ack_code, ack_message_id, ack_received_at, send_attempts, last_sent_at, error_codes, duplicate_count, routed_at,
        size_bytes, raw_sha256, raw, acknowledgement_code
        """;

    public MailboxDatabase Database => database;

    public Task<MessageRecord?> FindByDedupeKeyAsync(DbConnection connection, DbTransaction transaction, string dedupeKey) =>
        connection.QuerySingleOrDefaultAsync<MessageRecord>($"SELECT {Columns} FROM messages WHERE dedupe_key = @dedupeKey", new { dedupeKey }, transaction);

    public async Task<MessageRecord?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<MessageRecord>($"SELECT {Columns} FROM messages WHERE id = @id", new { id = id.ToString() });
    }

    /// <summary>True when another message (a different header id) already used this Bundle.id.</summary>
    public async Task<bool> BundleIdUsedByAnotherAsync(DbConnection connection, DbTransaction transaction, string bundleId, string? messageId) =>
        await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM messages WHERE direction = 'in' AND bundle_id = @bundleId AND (message_id IS NULL OR message_id <> @messageId)",
            new { bundleId, messageId = messageId ?? "" },
            transaction) > 0;

    public Task InsertAsync(DbConnection connection, DbTransaction transaction, MessageRecord m) =>
        connection.ExecuteAsync(
            $"""
            INSERT INTO messages ({Columns})
            VALUES (@Id, @Direction, @Status, @Channel, @SourceName, @ReceivedAt, @Kind, @Syntax, @ContentType, @DocumentName, @MailboxGln,
                    @SenderGln, @SenderSor, @ReceiverGln, @ReceiverSor, @MessageId, @BundleId, @EnvelopeId, @DedupeKey, @PatientCpr,
                    @Category, @Topic, @Priority, @Activity, @CommunicationId, @PredecessorRef, @ParentId, @ThreadId, @AcknowledgedMessageId,
                    @AckCode, @AckMessageId, @AckReceivedAt, @SendAttempts, @LastSentAt, @ErrorCodes, @DuplicateCount, @RoutedAt,
                    @SizeBytes, @RawSha256, @Raw, @AcknowledgementCode)
            """,
            m,
            transaction);

    public Task CountDuplicateAsync(DbConnection connection, DbTransaction transaction, string id) =>
        connection.ExecuteAsync("UPDATE messages SET duplicate_count = duplicate_count + 1 WHERE id = @id", new { id }, transaction);

    /// <summary>
    /// The stored message a predecessor reference points at: <c>MessageHeader/&lt;id&gt;</c> (any base URL) or
    /// <c>&lt;location number&gt;#&lt;letter id&gt;</c>, whose parts MedCom's own example writes the other way round.
    /// </summary>
    public async Task<(string Id, string? ThreadId)?> FindPredecessorAsync(DbConnection connection, DbTransaction transaction, string reference)
    {
        const string select = "SELECT id, thread_id FROM messages WHERE status <> 'rejected' AND ";
        (string, string?)? row;
        if (reference.Split('#') is [var a, var b] && a.Length > 0 && b.Length > 0)
        {
            row = await connection.QueryFirstOrDefaultAsync<(string, string?)?>(
                select + "((message_id = @b AND sender_gln = @a) OR (message_id = @a AND sender_gln = @b)) ORDER BY received_at",
                new { a, b },
                transaction);
        }
        else
        {
            row = await connection.QueryFirstOrDefaultAsync<(string, string?)?>(
                select + "message_id = @id AND kind <> 'Acknowledgement' ORDER BY received_at",
                new { id = NormalisePredecessor(reference) },
                transaction);
        }

        return row;
    }

    /// <summary>
    /// A message arrived that earlier messages named as their predecessor (out of order): link them to it and
    /// merge their threads into its thread, except forwards, which keep their own.
    /// </summary>
    public async Task AdoptOrphansAsync(DbConnection connection, DbTransaction transaction, MessageRecord parent)
    {
        var references = ReferencesTo(parent).ToArray();
        if (references.Length == 0 || parent.ThreadId is null)
        {
            return;
        }

        var orphans = (await connection.QueryAsync<(string Id, string? ThreadId, string? Activity)>(
            "SELECT id, thread_id, activity FROM messages WHERE parent_id IS NULL AND id <> @id AND predecessor_ref IN @references",
            new { id = parent.Id, references },
            transaction)).AsList();

        foreach (var orphan in orphans)
        {
            await connection.ExecuteAsync("UPDATE messages SET parent_id = @parent WHERE id = @id", new { parent = parent.Id, id = orphan.Id }, transaction);
            if (orphan.Activity != "forward-message" && orphan.ThreadId is not null && orphan.ThreadId != parent.ThreadId)
            {
                await connection.ExecuteAsync("UPDATE messages SET thread_id = @to WHERE thread_id = @from", new { to = parent.ThreadId, from = orphan.ThreadId }, transaction);
            }
        }
    }

    /// <summary>How a stored predecessor reference is kept: the bare header id, or the OIOXML <c>a#b</c> form as sent.</summary>
    public static string? NormalisePredecessor(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return null;
        }

        var i = reference.LastIndexOf("MessageHeader/", StringComparison.Ordinal);
        return i >= 0 ? reference[(i + "MessageHeader/".Length)..] : reference.Trim();
    }

    private static IEnumerable<string> ReferencesTo(MessageRecord m)
    {
        if (m.MessageId is null)
        {
            yield break;
        }

        yield return m.MessageId;
        if (m.SenderGln is not null)
        {
            yield return $"{m.SenderGln}#{m.MessageId}";
            yield return $"{m.MessageId}#{m.SenderGln}";
        }
    }

    /// <summary>
    /// Sets <see cref="MessageRecord.ParentId"/> and <see cref="MessageRecord.ThreadId"/> before the row is inserted:
    /// a reply joins its predecessor's thread; a forward starts its own (its Communication.identifier is new); a
    /// message whose predecessor has not arrived yet starts a thread keyed by its Communication.identifier, merged
    /// by <see cref="AdoptOrphansAsync"/> when the predecessor comes.
    /// </summary>
    public async Task PlaceInThreadAsync(DbConnection connection, DbTransaction transaction, MessageRecord m)
    {
        if (m.Status == MessageStatus.Rejected || m.Kind is not ("CareCommunication" or "OioXmlLetter"))
        {
            return;
        }

        var parent = m.PredecessorRef is { } reference ? await FindPredecessorAsync(connection, transaction, reference) : null;
        m.ParentId = parent?.Id;
        var own = m.CommunicationId
            ?? (m.Kind == "OioXmlLetter" && m.MessageId is not null ? $"oioxml:{m.SenderGln}#{m.MessageId}" : null)
            ?? $"thread:{m.Id}";
        m.ThreadId = m.Activity == "forward-message" ? own : parent?.ThreadId ?? own;
    }

    /// <summary>Records a received acknowledgement on the sent message it answers. Returns that message's id, or null.</summary>
    public async Task<string?> MatchAcknowledgementAsync(DbConnection connection, DbTransaction transaction, string acknowledgedMessageId, string code, string ackMessageId, long now)
    {
        var target = await connection.QueryFirstOrDefaultAsync<string?>(
            "SELECT id FROM messages WHERE direction = 'out' AND message_id = @acknowledgedMessageId AND kind <> 'Acknowledgement' ORDER BY received_at",
            new { acknowledgedMessageId },
            transaction);
        if (target is null)
        {
            return null;
        }

        // ok / positive settles it; fatal-error / negative means they refused it; transient-error means "wait for ok".
        var status = code switch
        {
            "ok" or "positive" => MessageStatus.Acknowledged,
            "fatal-error" or "negative" => MessageStatus.Failed,
            _ => null,
        };
        await connection.ExecuteAsync(
            """
            UPDATE messages SET ack_code = @code, ack_message_id = @ackMessageId, ack_received_at = @now,
                   status = CASE WHEN @status IS NOT NULL AND status IN ('sent', 'flagged') THEN @status ELSE status END
            WHERE id = @target
            """,
            new { code, ackMessageId, now, status, target },
            transaction);
        return target;
    }

    // ---- written on behalf of the intake's reprocessing, the sending, the consumers and the retention ------------------

    /// <summary>Reprocessing: the rejected row gives way to the message read again. False when it is no longer rejected.</summary>
    public static async Task<bool> DeleteRejectedAsync(DbConnection connection, DbTransaction transaction, string id) =>
        await connection.ExecuteAsync("DELETE FROM messages WHERE id = @id AND status = 'rejected'", new { id }, transaction) == 1;

    /// <summary>A sent message past its last resend without an acknowledgement. False when another process got there first.</summary>
    public static async Task<bool> FlagUnacknowledgedAsync(DbConnection connection, DbTransaction transaction, string id) =>
        await connection.ExecuteAsync("UPDATE messages SET status = 'flagged' WHERE id = @id AND status = 'sent'", new { id }, transaction) == 1;

    /// <summary>The watchdog's resend of a sent message still waiting for its acknowledgement; false when its count changed meanwhile.</summary>
    public static async Task<bool> RecordResendAsync(DbConnection connection, DbTransaction transaction, string id, int expectedAttempts, string envelopeId, long now) =>
        await connection.ExecuteAsync(
            "UPDATE messages SET send_attempts = send_attempts + 1, last_sent_at = @now, envelope_id = @envelopeId WHERE id = @id AND status = 'sent' AND send_attempts = @expectedAttempts",
            new { now, envelopeId, id, expectedAttempts },
            transaction) == 1;

    /// <summary>A person's "send again" of a failed or flagged message: sent anew, earlier acknowledgement forgotten; false when its state or count changed meanwhile.</summary>
    public static async Task<bool> RecordSendAsync(
        DbConnection connection, DbTransaction transaction, string id, string expectedStatus, int expectedAttempts, string envelopeId, long now) =>
        await connection.ExecuteAsync(
            """
            UPDATE messages SET status = 'sent', ack_code = NULL, ack_message_id = NULL, ack_received_at = NULL,
                   send_attempts = send_attempts + 1, last_sent_at = @now, envelope_id = @envelopeId
            WHERE id = @id AND status = @expectedStatus AND send_attempts = @expectedAttempts
            """,
            new { now, envelopeId, id, expectedStatus, expectedAttempts },
            transaction) == 1;

    /// <summary>The consumer has put the message where people work on it.</summary>
    public static Task MarkRoutedAsync(DbConnection connection, DbTransaction transaction, string id, long now) =>
        connection.ExecuteAsync("UPDATE messages SET routed_at = @now WHERE id = @id", new { now, id }, transaction);

    /// <summary>
    /// Puts a message we sent into the thread of the message it answers (an OIOXML reply cannot say so itself); a thread
    /// that had no id yet is named after its first message.
    /// </summary>
    public static async Task JoinThreadAsync(DbConnection connection, DbTransaction transaction, string id, MessageRecord answered)
    {
        await connection.ExecuteAsync(
            "UPDATE messages SET thread_id = @thread, parent_id = @parent WHERE id = @id",
            new { thread = answered.ThreadId ?? answered.Id, parent = answered.Id, id }, transaction);
        if (answered.ThreadId is null)
        {
            await connection.ExecuteAsync("UPDATE messages SET thread_id = @thread WHERE id = @thread", new { thread = answered.Id }, transaction);
        }
    }

    /// <summary>The retention: the messages themselves (their outbox rows, ledger and inbox items go first, by their owners).</summary>
    public static Task<int> DeleteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> ids) =>
        connection.ExecuteAsync("DELETE FROM messages WHERE id IN @ids", new { ids }, transaction);
}
