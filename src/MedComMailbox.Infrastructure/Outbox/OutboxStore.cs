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

    /// <summary>
    /// Leases the given rows to <paramref name="owner"/> until <paramref name="until"/>, in one write; the rows it got,
    /// oldest first (not those another process holds or that are done). On SQLite the write goes through the process's
    /// one writer and shares its commit with whatever else is queued.
    /// </summary>
    public Task<List<OutboxRecord>> ClaimAsync(IReadOnlyList<long> ids, string owner, long until, long now, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, transaction, _) =>
            {
                var claimed = await connection.ExecuteAsync(
                    """
                    UPDATE outbox SET locked_by = @owner, locked_until = @until
                    WHERE id IN @ids AND dispatched_at IS NULL AND (locked_until IS NULL OR locked_until < @now)
                    """,
                    new { owner, until, ids, now },
                    transaction);
                return claimed == 0
                    ? []
                    : (await connection.QueryAsync<OutboxRecord>(
                        $"SELECT {Columns} FROM outbox WHERE id IN @ids AND locked_by = @owner AND locked_until = @until ORDER BY id",
                        new { ids, owner, until },
                        transaction)).AsList();
            },
            cancellationToken);

    /// <summary>
    /// The end of a chunk, in one write (not one per row): the rows sent are marked dispatched, and the rows claimed
    /// but not tried (the chunk ran out of lease) are released for the next try. Runs to the end even when the
    /// dispatcher is stopping: what was sent must not be sent again only because the mark was cancelled.
    /// </summary>
    public Task MarkDispatchedAsync(IReadOnlyList<long> sent, IReadOnlyList<long> untried, string owner, long now) =>
        database.WriteAsync(
            async (connection, transaction, _) =>
            {
                if (sent.Count > 0)
                {
                    await connection.ExecuteAsync(
                        "UPDATE outbox SET dispatched_at = @now, attempts = attempts + 1, locked_by = NULL, locked_until = NULL WHERE id IN @sent",
                        new { now, sent },
                        transaction);
                }

                if (untried.Count > 0)
                {
                    await connection.ExecuteAsync(
                        "UPDATE outbox SET locked_by = NULL, locked_until = NULL WHERE id IN @untried AND locked_by = @owner AND dispatched_at IS NULL",
                        new { untried, owner },
                        transaction);
                }

                return 0;
            },
            CancellationToken.None);

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
