using System.Data.Common;
using Dapper;

namespace MedComMailbox.Infrastructure.Storage;

/// <summary>The consumers' side of the database: the idempotency ledger and the inbox items people work from.</summary>
public static class InboxStore
{
    /// <summary>Whether a consumer has handled the message before (a quick check outside any transaction).</summary>
    public static async Task<bool> WasConsumedAsync(DbConnection connection, DbTransaction? transaction, string consumer, string messageId) =>
        await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM consumed WHERE consumer = @consumer AND message_id = @messageId", new { consumer, messageId }, transaction) > 0;

    /// <summary>Records, inside the consumer's own transaction, that it has handled the message (the ledger row alone).</summary>
    public static Task RecordConsumedAsync(DbConnection connection, DbTransaction transaction, string consumer, string messageId, long now) =>
        connection.ExecuteAsync("INSERT INTO consumed (consumer, message_id, consumed_at) VALUES (@consumer, @messageId, @now)", new { consumer, messageId, now }, transaction);

    /// <summary>
    /// Puts a received message in the inbox, once, inside the consumer's own transaction: the ledger row and the effect
    /// commit together, so a redelivered event (after a crash, a broker restart or a recovered in-memory event) changes
    /// nothing. Returns false when the event had been consumed before.
    /// </summary>
    public static async Task<bool> RouteToInboxAsync(DbConnection connection, DbTransaction transaction, string consumer, InboxEntry entry, long now)
    {
        if (await WasConsumedAsync(connection, transaction, consumer, entry.MessageId))
        {
            return false;
        }

        await connection.ExecuteAsync("INSERT INTO consumed (consumer, message_id, consumed_at) VALUES (@consumer, @messageId, @now)", new { consumer, messageId = entry.MessageId, now }, transaction);
        await connection.ExecuteAsync(
            """
            INSERT INTO inbox_items (id, message_id, mailbox_gln, thread_id, state, created_at, kind, received_at, sender_gln, sender_name, patient_cpr, patient_name, subject)
            VALUES (@item, @MessageId, @MailboxGln, @ThreadId, 'new', @now, @Kind, @ReceivedAt, @SenderGln, @SenderName, @PatientCpr, @PatientName, @Subject)
            """,
            new
            {
                item = Guid.NewGuid().ToString(), entry.MessageId, entry.MailboxGln, entry.ThreadId, now, entry.Kind, entry.ReceivedAt,
                entry.SenderGln, SenderName = Clip(entry.SenderName), entry.PatientCpr, PatientName = Clip(entry.PatientName), Subject = Clip(entry.Subject),
            },
            transaction);
        await connection.ExecuteAsync("UPDATE messages SET routed_at = @now WHERE id = @messageId", new { now, messageId = entry.MessageId }, transaction);
        return true;
    }

    /// <summary>Links the message's inbox item to the case it opened or was attached to.</summary>
    public static Task LinkToCaseAsync(DbConnection connection, DbTransaction transaction, string messageId, string caseId) =>
        connection.ExecuteAsync("UPDATE inbox_items SET case_id = @caseId WHERE message_id = @messageId", new { caseId, messageId }, transaction);

    private static string? Clip(string? value) => value is { Length: > 400 } ? value[..400] : value;
}

/// <summary>What the inbox list shows of a routed message (copied from the message so the list needs no joins). Personal data.</summary>
public sealed record InboxEntry(
    string MessageId,
    string MailboxGln,
    string? ThreadId,
    string Kind,
    long ReceivedAt,
    string? SenderGln,
    string? SenderName,
    string? PatientCpr,
    string? PatientName,
    string? Subject);
