using System.Data.Common;
using Dapper;
using MedComMailbox.Infrastructure.Storage;

namespace MedComMailbox.Workflow.Inbox;

/// <summary>
/// The one owner of the consumers' idempotency ledger (<c>consumed</c>) and of the inbox items people work from
/// (<c>inbox_items</c>): routing a message in, reading, handling and assigning it, and the retention's deletes.
/// Staff commands pass the mailboxes the user may work in; an empty list means all.
/// </summary>
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
        await MessageStore.MarkRoutedAsync(connection, transaction, entry.MessageId, now);
        return true;
    }

    /// <summary>Links the message's inbox item to the case it opened or was attached to.</summary>
    public static Task LinkToCaseAsync(DbConnection connection, DbTransaction transaction, string messageId, string caseId) =>
        connection.ExecuteAsync("UPDATE inbox_items SET case_id = @caseId WHERE message_id = @messageId", new { caseId, messageId }, transaction);

    public static Task MarkReadAsync(DbConnection connection, string itemId, IReadOnlyCollection<string> allowed, long now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE inbox_items SET state = 'read', read_at = @now WHERE id = @id AND state = 'new'{MailboxCondition(allowed)}",
            Parameters(allowed, new { id = itemId, now }), cancellationToken: cancellationToken));

    /// <summary>Marks items handled (or back to unhandled); returns how many changed. Items of other mailboxes are left alone.</summary>
    public static Task<int> SetHandledAsync(
        DbConnection connection, IReadOnlyCollection<string> itemIds, bool handled, string name, IReadOnlyCollection<string> allowed, long now, CancellationToken cancellationToken)
    {
        var sql = handled
            ? $"UPDATE inbox_items SET state = 'done', handled_at = @now, handled_by = @name, read_at = COALESCE(read_at, @now) WHERE id IN @ids AND state <> 'done'{MailboxCondition(allowed)}"
            : $"UPDATE inbox_items SET state = 'read', handled_at = NULL, handled_by = NULL WHERE id IN @ids AND state = 'done'{MailboxCondition(allowed)}";
        return connection.ExecuteAsync(new CommandDefinition(sql, Parameters(allowed, new { ids = itemIds.ToArray(), now, name }), cancellationToken: cancellationToken));
    }

    public static async Task<bool> AssignAsync(DbConnection connection, string itemId, string? assignee, IReadOnlyCollection<string> allowed, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE inbox_items SET assigned_to = @to WHERE id = @id{MailboxCondition(allowed)}",
            Parameters(allowed, new { id = itemId, to = assignee }), cancellationToken: cancellationToken)) == 1;

    /// <summary>The items of the messages a reply answered are handled by that reply.</summary>
    public static Task HandledByReplyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> messageIds, string name, long now) =>
        connection.ExecuteAsync(
            "UPDATE inbox_items SET state = 'done', handled_at = @now, handled_by = @name, read_at = COALESCE(read_at, @now) WHERE message_id IN @ids AND state <> 'done'",
            new { now, name, ids = messageIds.ToArray() }, transaction);

    /// <summary>The retention: the ledger rows and inbox items of messages being deleted, in the deleting transaction.</summary>
    public static async Task DeleteForMessagesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> messageIds)
    {
        var p = new { ids = messageIds };
        await connection.ExecuteAsync("DELETE FROM consumed WHERE message_id IN @ids", p, transaction);
        await connection.ExecuteAsync("DELETE FROM inbox_items WHERE message_id IN @ids", p, transaction);
    }

    /// <summary>The retention: items whose case is deleted stay in the inbox, without the case.</summary>
    public static Task UnlinkCasesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> caseIds) =>
        connection.ExecuteAsync("UPDATE inbox_items SET case_id = NULL WHERE case_id IN @ids", new { ids = caseIds }, transaction);

    private static string MailboxCondition(IReadOnlyCollection<string> allowed) => allowed.Count == 0 ? "" : " AND mailbox_gln IN @allowed";

    private static DynamicParameters Parameters(IReadOnlyCollection<string> allowed, object values)
    {
        var parameters = new DynamicParameters(values);
        if (allowed.Count > 0)
        {
            parameters.Add("allowed", allowed.ToArray());
        }

        return parameters;
    }

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
