using Dapper;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedComMailbox.Infrastructure.Tests.Outbox;

/// <summary>
/// The outbox claims a chunk of rows in one write and marks the sent ones dispatched in one write, handing back the
/// rows it did not try; on SQLite both go through the process's one writer (one commit each, not one per row).
/// </summary>
public sealed class OutboxChunkTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"medcom-outbox-{Guid.NewGuid():N}.db");
    private readonly MailboxDatabase _database;
    private readonly OutboxStore _store;

    public OutboxChunkTests()
    {
        _database = new MailboxDatabase(SqlDialect.Create(StorageProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = _file, Pooling = true }.ToString()));
        _database.Migrate(NullLogger.Instance);
        _store = new OutboxStore(_database);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", ".migrate.lock" })
        {
            File.Delete(_file + suffix);
        }
    }

    private SqliteGroupCommit Writer => ((SqliteDialect)_database.Dialect).Writer;

    private async Task<List<long>> AddRowsAsync(int count)
    {
        await _database.WriteAsync(async (connection, transaction, _) =>
        {
            for (var i = 0; i < count; i++)
            {
                await _store.AddAsync(connection, transaction, new OutboxRecord { MessageId = $"m{i}", Kind = OutboxKind.Deliver, Type = "ack", Payload = [1], FileName = $"f{i}.xml", CreatedAt = 1, DueAt = 1 });
            }

            return count;
        });
        return await _store.DueAsync(10, includePublish: true, limit: 100, CancellationToken.None);
    }

    private async Task<List<(long Id, long? DispatchedAt, string? LockedBy, int Attempts)>> RowsAsync()
    {
        await using var connection = await _database.OpenAsync();
        return (await connection.QueryAsync<(long, long?, string?, int)>("SELECT id, dispatched_at, locked_by, attempts FROM outbox ORDER BY id")).AsList();
    }

    [Fact]
    public async Task A_chunk_is_claimed_in_one_commit_and_its_sent_rows_marked_in_one_commit_while_untried_rows_go_back()
    {
        var ids = await AddRowsAsync(5);
        Assert.Equal(5, ids.Count);
        var commits = Writer.Commits;

        var claimed = await _store.ClaimAsync(ids, "me", until: 1_000, now: 10, CancellationToken.None);
        Assert.Equal(ids, claimed.ConvertAll(r => r.Id));
        Assert.Equal(commits + 1, Writer.Commits);

        // Another process's claim of the same rows while they are leased gets none of them.
        Assert.Empty(await _store.ClaimAsync(ids, "other", until: 1_000, now: 20, CancellationToken.None));

        // Three sent, two not tried (the chunk ran out of lease): one write for both.
        commits = Writer.Commits;
        await _store.MarkDispatchedAsync(ids[..3], ids[3..], "me", now: 30);
        Assert.Equal(commits + 1, Writer.Commits);

        var rows = await RowsAsync();
        Assert.All(rows.Take(3), r => Assert.Equal((30L, (string?)null, 1), (r.DispatchedAt!.Value, r.LockedBy, r.Attempts)));
        Assert.All(rows.Skip(3), r => Assert.Equal(((long?)null, (string?)null, 0), (r.DispatchedAt, r.LockedBy, r.Attempts)));

        // The handed-back rows are due again at once, for anyone; the dispatched ones are not.
        Assert.Equal(ids[3..], await _store.DueAsync(40, includePublish: true, limit: 100, CancellationToken.None));
        Assert.Equal(ids[3..], (await _store.ClaimAsync(ids, "other", until: 2_000, now: 40, CancellationToken.None)).ConvertAll(r => r.Id));
    }
}
