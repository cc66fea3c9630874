using System.Data.Common;
using System.Text.Json;
using Dapper;
using MedComMailbox.Infrastructure.Storage;

namespace MedComMailbox.Infrastructure.Outbox;

/// <summary>
/// The one owner of the <c>outbox</c> table: rows are added in the transaction that decided them (intake, sending,
/// the workflow's effects), claimed with a lease by <see cref="OutboxDispatcher"/>, marked dispatched or failed, put
/// back by the reconciliation and the in-memory recovery, and deleted with their message by the retention.
/// </summary>
public sealed class OutboxStore(MailboxDatabase database)
{
    private const string Columns = "id, message_id, kind, type, payload, file_name, created_at, due_at, attempts, last_error, dispatched_at";

    public MailboxDatabase Database => database;

    public Task AddAsync(DbConnection connection, DbTransaction transaction, OutboxRecord row) =>
        connection.ExecuteAsync(
            """
            INSERT INTO outbox (message_id, kind, type, payload, file_name, created_at, due_at, attempts)
            VALUES (@MessageId, @Kind, @Type, @Payload, @FileName, @CreatedAt, @DueAt, 0)
            """,
            row,
            transaction);

    /// <summary>A bus event, published by the dispatcher once the transaction holding this row has committed.</summary>
    public Task PublishLaterAsync<TEvent>(DbConnection connection, DbTransaction transaction, string messageId, TEvent @event, long now)
        where TEvent : class =>
        AddAsync(connection, transaction, new OutboxRecord
        {
            MessageId = messageId,
            Kind = OutboxKind.Publish,
            Type = typeof(TEvent).FullName!,
            Payload = JsonSerializer.SerializeToUtf8Bytes(@event),
            CreatedAt = now,
            DueAt = now,
        });

    /// <summary>The ids of rows due now and not leased, oldest first; without publish rows while the bus cannot take them.</summary>
    public async Task<List<long>> DueAsync(long now, bool includePublish, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<long>(
            database.Dialect.Limit(
                includePublish
                    ? "SELECT id FROM outbox WHERE dispatched_at IS NULL AND due_at <= @now AND (locked_until IS NULL OR locked_until < @now) ORDER BY id"
                    : "SELECT id FROM outbox WHERE dispatched_at IS NULL AND due_at <= @now AND (locked_until IS NULL OR locked_until < @now) AND kind <> @publish ORDER BY id",
                limit),
            new { now, publish = OutboxKind.Publish })).AsList();
    }

    /// <summary>Leases a row to <paramref name="owner"/> until <paramref name="until"/>; the row, or null when another process has it or it is done.</summary>
    public async Task<OutboxRecord?> ClaimAsync(long id, string owner, long until, long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var claimed = await connection.ExecuteAsync(
            """
            UPDATE outbox SET locked_by = @owner, locked_until = @until
            WHERE id = @id AND dispatched_at IS NULL AND (locked_until IS NULL OR locked_until < @now)
            """,
            new { owner, until, id, now });
        return claimed == 1
            ? await connection.QuerySingleAsync<OutboxRecord>($"SELECT {Columns} FROM outbox WHERE id = @id", new { id })
            : null;
    }

    public async Task MarkDispatchedAsync(long id, long now)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(
            "UPDATE outbox SET dispatched_at = @now, attempts = attempts + 1, locked_by = NULL, locked_until = NULL WHERE id = @id",
            new { now, id });
    }

    /// <summary>Releases a failed row for another try at <paramref name="dueAt"/>; the error is an exception type, never its message.</summary>
    public async Task FailAsync(long id, int attempts, string? error, long dueAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "UPDATE outbox SET attempts = @attempts, last_error = @error, due_at = @dueAt, locked_by = NULL, locked_until = NULL WHERE id = @id",
            new { attempts, error, dueAt, id });
    }

    /// <summary>
    /// The in-memory bus lost what it held when the process died: every dispatched event of <paramref name="eventType"/>
    /// that no consumer recorded is due again. Reads all of them, once at start.
    /// </summary>
    public async Task<int> RequeueUnconsumedAsync(string eventType, long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(
            """
            UPDATE outbox SET dispatched_at = NULL, due_at = @now
            WHERE kind = 'publish' AND type = @eventType AND dispatched_at IS NOT NULL
              AND message_id NOT IN (SELECT message_id FROM consumed)
            """,
            new { now, eventType });
    }

    /// <summary>
    /// The reconciliation: "received" events dispatched before <paramref name="cutoff"/> whose message was never routed
    /// are due again, at most once per cutoff period and never while a publish of them is in flight.
    /// </summary>
    public async Task<int> RepublishUnroutedAsync(string eventType, long now, long cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(
            """
            UPDATE outbox SET dispatched_at = NULL, due_at = @now, last_error = 'reconciliation'
            WHERE kind = 'publish' AND type = @eventType AND dispatched_at IS NOT NULL AND dispatched_at < @cutoff
              AND message_id IN (SELECT id FROM messages WHERE direction = 'in' AND routed_at IS NULL AND received_at < @cutoff)
            """,
            new { now, cutoff, eventType });
    }

    /// <summary>The retention: the rows of messages being deleted, in the deleting transaction.</summary>
    public static Task<int> DeleteForMessagesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> messageIds) =>
        connection.ExecuteAsync("DELETE FROM outbox WHERE message_id IN @ids", new { ids = messageIds }, transaction);
}
