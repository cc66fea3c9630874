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

    /// <summary>
    /// Puts a received message in the inbox, once, inside the consumer's own transaction: the ledger row and the effect
    /// commit together, so a redelivered event (after a crash, a broker restart or a recovered in-memory event) changes
    /// nothing. Returns false when the event had been consumed before.
    /// </summary>
    public static async Task<bool> RouteToInboxAsync(
        DbConnection connection, DbTransaction transaction, string consumer, string messageId, string mailboxGln, string? threadId, long now)
    {
        if (await WasConsumedAsync(connection, transaction, consumer, messageId))
        {
            return false;
        }

        await connection.ExecuteAsync("INSERT INTO consumed (consumer, message_id, consumed_at) VALUES (@consumer, @messageId, @now)", new { consumer, messageId, now }, transaction);
        await connection.ExecuteAsync(
            "INSERT INTO inbox_items (id, message_id, mailbox_gln, thread_id, state, created_at) VALUES (@item, @messageId, @mailboxGln, @threadId, 'new', @now)",
            new { item = Guid.NewGuid().ToString(), messageId, mailboxGln, threadId, now },
            transaction);
        await connection.ExecuteAsync("UPDATE messages SET routed_at = @now WHERE id = @messageId", new { now, messageId }, transaction);
        return true;
    }
}
