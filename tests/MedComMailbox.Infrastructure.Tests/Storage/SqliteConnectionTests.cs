using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using DbUp;
using DbUp.Builder;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SQLitePCL;

namespace MedComMailbox.Infrastructure.Tests.Storage;

/// <summary>
/// The SQLite connection set-up: durability pragmas in force on every pooled connection but set once per physical
/// connection, and the planner's statistics refreshed at start and on a schedule.
/// </summary>
public sealed class SqliteConnectionTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"medcom-pragmas-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_file + suffix);
        }
    }

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _file, Pooling = true }.ToString();

    private static async Task<(string JournalMode, long Synchronous, long BusyTimeout)> PragmasAsync(DbConnection connection) =>
        (await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode") ?? "",
         await connection.ExecuteScalarAsync<long>("PRAGMA synchronous"),
         await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));

    [Fact]
    public async Task A_pooled_connection_keeps_its_pragmas_and_they_are_not_set_again_on_the_next_open()
    {
        var dialect = new SqliteDialect(ConnectionString);
        var executed = new ConcurrentQueue<string>();
        object handle;
        await using (var first = (SqliteConnection)await dialect.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(("wal", 2L, 30000L), await PragmasAsync(first)); // 2 = FULL
            handle = first.Handle!;
            raw.sqlite3_trace(first.Handle, (_, sql) => executed.Enqueue(sql), null);
        }

        await using (var second = (SqliteConnection)await dialect.OpenAsync(CancellationToken.None))
        {
            Assert.Same(handle, second.Handle); // the same physical connection, back from the pool
            Assert.Empty(executed); // opening it ran nothing
            Assert.Equal(("wal", 2L, 30000L), await PragmasAsync(second));
        }

        // A new physical connection (the pool emptied) gets them again.
        SqliteConnection.ClearAllPools();
        await using var third = (SqliteConnection)await dialect.OpenAsync(CancellationToken.None);
        Assert.NotSame(handle, third.Handle);
        Assert.Equal(("wal", 2L, 30000L), await PragmasAsync(third));
    }

    [Fact]
    public async Task Optimize_gathers_statistics_for_a_table_that_has_grown()
    {
        var dialect = new SqliteDialect(ConnectionString);
        await using (var connection = await dialect.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync(
                """
                CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL);
                CREATE INDEX ix_t_k ON t (k);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO t (k) SELECT 'k' || (i % 50) FROM n;
                """);
        }

        await dialect.OptimizeAsync(CancellationToken.None);

        await using var check = await dialect.OpenAsync(CancellationToken.None);
        // "<rows> <rows per key>"; the second figure is estimated (analysis_limit), the first is the table's size.
        var stat = await check.ExecuteScalarAsync<string>("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_t_k'");
        Assert.StartsWith("5000 ", stat, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_optimizer_runs_at_start_and_then_every_interval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dialect = new CountingDialect(ConnectionString);
        var options = Options.Create(new StorageOptions { OptimizeInterval = TimeSpan.FromHours(1) });
        using var optimizer = new DatabaseOptimizer(new MailboxDatabase(dialect), options, time, NullLogger<DatabaseOptimizer>.Instance);

        await optimizer.StartAsync(CancellationToken.None);
        Assert.True(await dialect.Runs.WaitAsync(TimeSpan.FromSeconds(10)), "optimize at start");

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.False(await dialect.Runs.WaitAsync(TimeSpan.FromMilliseconds(200)), "not before the interval");
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await dialect.Runs.WaitAsync(TimeSpan.FromSeconds(10)), "optimize after the interval");

        await optimizer.StopAsync(CancellationToken.None);
    }

    /// <summary>SQLite as the mailbox opens it, counting the optimize runs.</summary>
    private sealed class CountingDialect(string connectionString) : SqlDialect(connectionString)
    {
        private readonly SqliteDialect _inner = new(connectionString);

        public SemaphoreSlim Runs { get; } = new(0);

        public override StorageProvider Provider => StorageProvider.Sqlite;

        public override Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => _inner.OpenAsync(cancellationToken);

        public override async Task OptimizeAsync(CancellationToken cancellationToken)
        {
            await _inner.OptimizeAsync(cancellationToken);
            Runs.Release();
        }

        public override string Limit(string orderedQuery, int rows) => _inner.Limit(orderedQuery, rows);

        public override bool IsUniqueViolation(Exception exception) => _inner.IsUniqueViolation(exception);

        public override IDisposable AcquireMigrationLock(TimeSpan timeout) => _inner.AcquireMigrationLock(timeout);

        protected override UpgradeEngineBuilder Deploy(SupportedDatabases to) => to.SqliteDatabase(ConnectionString);
    }
}
