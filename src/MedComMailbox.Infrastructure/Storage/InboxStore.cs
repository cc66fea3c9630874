using Dapper;

namespace MedComMailbox.Infrastructure.Storage;

/// <summary>The consumers' side of the database: the idempotency ledger and the inbox items people work from.</summary>
public sealed class InboxStore(MailboxDatabase database, TimeProvider time)
{
    /// <summary>
    /// Puts a received message in the inbox, once. The ledger row and the effect are one transaction, so a
    /// redelivered event (after a crash, a broker restart or a recovered in-memory event) changes nothing.
    /// Returns false when the event had been consumed before.
    /// </summary>
    public async Task<bool> RouteToInboxAsync(string consumer, Guid messageId, string mailboxGln, string? threadId, CancellationToken cancellationToken)
    {
        var id = messageId.ToString();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var seen = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM consumed WHERE consumer = @consumer AND message_id = @id", new { consumer, id }, transaction);
        if (seen > 0)
        {
            return false;
        }

        await connection.ExecuteAsync("INSERT INTO consumed (consumer, message_id, consumed_at) VALUES (@consumer, @id, @now)", new { consumer, id, now }, transaction);
        await connection.ExecuteAsync(
            "INSERT INTO inbox_items (id, message_id, mailbox_gln, thread_id, state, created_at) VALUES (@item, @id, @mailboxGln, @threadId, 'new', @now)",
            new { item = Guid.NewGuid().ToString(), id, mailboxGln, threadId, now },
            transaction);
        await connection.ExecuteAsync("UPDATE messages SET routed_at = @now WHERE id = @id", new { now, id }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
