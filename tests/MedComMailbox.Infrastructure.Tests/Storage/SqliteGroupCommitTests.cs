using Dapper;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.Data.Sqlite;

namespace MedComMailbox.Infrastructure.Tests.Storage;

/// <summary>
/// The one SQLite writer of a process: units that queue up while a commit is under way share the next commit; each runs
/// in its own savepoint, so a failing unit is undone alone and only its caller hears of it; a caller is answered only
/// after the commit that holds its rows; a failed commit fails every unit in it and keeps none of their rows.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"medcom-writer-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_file + suffix);
        }
    }

    private async Task<SqliteDialect> DialectAsync(bool foreignKeys = false)
    {
        var dialect = new SqliteDialect(new SqliteConnectionStringBuilder { DataSource = _file, Pooling = true, ForeignKeys = foreignKeys }.ToString());
        await using var connection = await dialect.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync("""
            CREATE TABLE parents (id INTEGER PRIMARY KEY);
            CREATE TABLE items (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED);
            """);
        return dialect;
    }

    /// <summary>Rows a reader on its own connection sees: only what is committed.</summary>
    private async Task<List<long>> CommittedAsync(SqliteDialect dialect)
    {
        await using var connection = await dialect.OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<long>("SELECT id FROM items ORDER BY id")).AsList();
    }

    private static Task<long> Insert(SqliteDialect dialect, long id, Func<Task>? before = null) =>
        dialect.WriteAsync(async (connection, transaction, _) =>
        {
            if (before is not null)
            {
                await before();
            }

            await connection.ExecuteAsync("INSERT INTO items (id) VALUES (@id)", new { id }, transaction);
            return id;
        }, CancellationToken.None);

    /// <summary>A first unit that the writer is running and that waits for the gate: what is queued now waits behind it.</summary>
    private static async Task<(Task<long> First, TaskCompletionSource Gate)> FirstUnitRunningAsync(SqliteDialect dialect)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Insert(dialect, 0, () =>
        {
            started.SetResult();
            return gate.Task;
        });
        await started.Task;
        return (first, gate);
    }

    [Fact]
    public async Task Units_queued_during_a_commit_share_the_next_one_and_each_caller_is_answered_after_it()
    {
        var dialect = await DialectAsync();
        var (first, gate) = await FirstUnitRunningAsync(dialect);
        // The writer is busy with the first unit: these queue up behind it.
        var rest = Enumerable.Range(1, 20).Select(async i =>
        {
            var id = await Insert(dialect, i);
            // Answered: the row must already be visible to another connection, i.e. committed.
            return (await CommittedAsync(dialect)).Contains(id);
        }).ToList();
        gate.SetResult();

        await first;
        Assert.All(await Task.WhenAll(rest), Assert.True);
        Assert.Equal(Enumerable.Range(0, 21).Select(i => (long)i), await CommittedAsync(dialect));
        Assert.Equal(2, dialect.Writer.Commits); // the first unit alone, then the 20 that waited, together
        Assert.Equal(21, dialect.Writer.Units);
    }

    [Fact]
    public async Task A_failing_unit_is_undone_alone_and_only_its_caller_gets_the_exception()
    {
        var dialect = await DialectAsync();
        var (first, gate) = await FirstUnitRunningAsync(dialect);
        var a = Insert(dialect, 1);
        var thrower = dialect.WriteAsync<long>(async (connection, transaction, _) =>
        {
            await connection.ExecuteAsync("INSERT INTO items (id) VALUES (2)", transaction: transaction);
            throw new InvalidOperationException("unit failed after its insert");
        }, CancellationToken.None);
        var duplicate = Insert(dialect, 1); // the same key as a, in the same transaction
        var d = Insert(dialect, 4);
        gate.SetResult();

        Assert.Equal(0, await first);
        Assert.Equal(1, await a);
        Assert.Equal(4, await d);
        await Assert.ThrowsAsync<InvalidOperationException>(() => thrower);
        var violation = await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        Assert.True(dialect.IsUniqueViolation(violation));
        Assert.Equal([0L, 1L, 4L], await CommittedAsync(dialect));
        Assert.Equal(2, dialect.Writer.Commits);
    }

    [Fact]
    public async Task When_the_commit_fails_every_unit_in_it_fails_and_none_of_their_rows_is_kept()
    {
        var dialect = await DialectAsync(foreignKeys: true);
        var (first, gate) = await FirstUnitRunningAsync(dialect);
        var good = Insert(dialect, 1);
        // A deferred foreign key is checked at COMMIT: this unit runs fine, and the commit of its batch fails.
        var orphan = dialect.WriteAsync(
            (connection, transaction, _) => connection.ExecuteAsync("INSERT INTO items (id, parent) VALUES (2, 99)", transaction: transaction),
            CancellationToken.None);
        gate.SetResult();

        await first;
        await Assert.ThrowsAsync<SqliteException>(() => good);
        await Assert.ThrowsAsync<SqliteException>(() => orphan);
        Assert.Equal([0L], await CommittedAsync(dialect));

        // The writer carries on with the next unit.
        Assert.Equal(3, await Insert(dialect, 3));
        Assert.Equal([0L, 3L], await CommittedAsync(dialect));
    }

    [Fact]
    public async Task A_unit_that_starts_another_write_fails_at_once_instead_of_waiting_for_itself()
    {
        var dialect = await DialectAsync();
        var nested = dialect.WriteAsync<long>(async (connection, transaction, _) =>
        {
            await connection.ExecuteAsync("INSERT INTO items (id) VALUES (1)", transaction: transaction);
            // The writer runs one unit at a time: this one queued behind its caller would never run.
            return await Insert(dialect, 2);
        }, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => nested.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("may not start another write", failure.Message, StringComparison.Ordinal);
        Assert.Empty(await CommittedAsync(dialect)); // the unit's own insert was undone with it

        // The caller outside the writer is not affected, and the writer goes on.
        Assert.Equal(3, await Insert(dialect, 3));
        Assert.Equal([3L], await CommittedAsync(dialect));
    }

    [Fact]
    public async Task A_unit_whose_caller_gave_up_while_it_was_queued_is_dropped_and_the_rest_commit()
    {
        var dialect = await DialectAsync();
        var (first, gate) = await FirstUnitRunningAsync(dialect);
        using var giveUp = new CancellationTokenSource();
        var abandoned = dialect.WriteAsync(
            (connection, transaction, _) => connection.ExecuteAsync("INSERT INTO items (id) VALUES (1)", transaction: transaction),
            giveUp.Token);
        var after = Insert(dialect, 2);
        await giveUp.CancelAsync();
        gate.SetResult();

        await first;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(2, await after.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal([0L, 2L], await CommittedAsync(dialect));
    }
}
