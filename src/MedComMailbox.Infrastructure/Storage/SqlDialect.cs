using System.Data.Common;
using System.Reflection;
using System.Runtime.CompilerServices;
using DbUp;
using DbUp.Builder;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace MedComMailbox.Infrastructure.Storage;

/// <summary>
/// Everything that differs between SQLite and SQL Server, in one place: connections, the row limit, how a unique
/// violation looks, and which numbered scripts apply. The SQL elsewhere is written once, in the common subset.
/// </summary>
public abstract class SqlDialect(string connectionString)
{
    protected string ConnectionString { get; } = connectionString;

    public abstract StorageProvider Provider { get; }

    /// <summary>Opens a connection ready for use (SQLite: with the durability pragmas set).</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs a unit of work that writes, in one transaction, and completes after the commit that holds its rows. The
    /// unit runs statements on the connection and transaction it is given and nothing else (no network, no CPU-heavy
    /// building: do that before). By default each unit has its own connection and transaction (SQL Server).
    /// </summary>
    public virtual async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Keeps the query planner's statistics current (SQLite: <c>PRAGMA optimize</c>; SQL Server updates its own).</summary>
    public virtual Task OptimizeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Appends a row limit to a query that ends in ORDER BY.</summary>
    public abstract string Limit(string orderedQuery, int rows);

    /// <summary>True when the exception is a primary-key or unique-index violation.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>DbUp, pointed at this dialect's scripts (Storage/Scripts/&lt;Provider&gt;/NNNN_name.sql).</summary>
    public UpgradeEngineBuilder Migrations() =>
        Deploy(DeployChanges.To)
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains($".Storage.Scripts.{Provider}.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere();

    protected abstract UpgradeEngineBuilder Deploy(SupportedDatabases to);

    /// <summary>
    /// Held while the schema scripts run, so two processes starting together (web and workers, in any order) never
    /// apply the same script twice: the second waits, then finds nothing left to do.
    /// </summary>
    public abstract IDisposable AcquireMigrationLock(TimeSpan timeout);

    public static SqlDialect Create(StorageProvider provider, string connectionString) => provider switch
    {
        StorageProvider.Sqlite => new SqliteDialect(connectionString),
        StorageProvider.SqlServer => new SqlServerDialect(connectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown storage provider."),
    };
}

public sealed class SqliteDialect(string connectionString) : SqlDialect(connectionString)
{
    // WAL lets readers work beside the one writer; synchronous=FULL makes a commit survive power loss, not only a
    // process crash. Both matter because the acknowledgement goes out only after the commit. journal_mode is kept in
    // the file, the other two belong to the connection; all three are set once per physical connection.
    private const string ConnectionPragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";

    // Microsoft.Data.Sqlite pools physical connections (one sqlite3 handle each) and a pooled one keeps its pragmas, so
    // they are set when a handle is seen for the first time, not on every open. Weak keys: a closed handle drops out.
    private readonly ConditionalWeakTable<object, object> _prepared = new();

    // One writer per process (per database): started with the first write.
    private readonly Lock _writerLock = new();
    private SqliteGroupCommit? _writer;

    public override StorageProvider Provider => StorageProvider.Sqlite;

    /// <summary>The process's one writer; units from all callers share its commits (see <see cref="SqliteGroupCommit"/>).</summary>
    public SqliteGroupCommit Writer
    {
        get
        {
            lock (_writerLock)
            {
                return _writer ??= new SqliteGroupCommit(OpenAsync);
            }
        }
    }

    /// <summary>Through the one writer: the units of this process queue in memory, not in SQLite's busy handler, and share commits.</summary>
    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        Writer.WriteAsync(work, cancellationToken);

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection opened without a handle.");
            if (!_prepared.TryGetValue(handle, out _))
            {
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = ConnectionPragmas;
                await pragma.ExecuteNonQueryAsync(cancellationToken);
                _prepared.AddOrUpdate(handle, handle);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// SQLite's advice for long-lived processes: <c>PRAGMA optimize=0x10002</c> at start and then every few hours. It
    /// runs ANALYZE only on tables whose size has changed a lot since their last one, each bounded by analysis_limit.
    /// </summary>
    public override async Task OptimizeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override string Limit(string orderedQuery, int rows) => $"{orderedQuery} LIMIT {rows}";

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19 } e && (e.SqliteExtendedErrorCode is 1555 or 2067);

    protected override UpgradeEngineBuilder Deploy(SupportedDatabases to) => to.SqliteDatabase(ConnectionString);

    /// <summary>An exclusive lock on a file beside the database (the OS releases it if the process dies).</summary>
    public override IDisposable AcquireMigrationLock(TimeSpan timeout)
    {
        var source = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        if (string.IsNullOrEmpty(source) || source.Contains(":memory:", StringComparison.OrdinalIgnoreCase) || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return new NoLock();
        }

        var path = Path.GetFullPath(source) + ".migrate.lock";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                // Once at start, before the host runs anything else (a synchronous API, called from the migration).
#pragma warning disable RS0030
                Thread.Sleep(200);
#pragma warning restore RS0030
            }
        }
    }

    private sealed class NoLock : IDisposable
    {
        public void Dispose()
        {
        }
    }
}

public sealed class SqlServerDialect(string connectionString) : SqlDialect(connectionString)
{
    public override StorageProvider Provider => StorageProvider.SqlServer;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override string Limit(string orderedQuery, int rows) => $"{orderedQuery} OFFSET 0 ROWS FETCH NEXT {rows} ROWS ONLY";

    public override bool IsUniqueViolation(Exception exception) => exception is SqlException { Number: 2627 or 2601 };

    protected override UpgradeEngineBuilder Deploy(SupportedDatabases to) => to.SqlDatabase(ConnectionString);

    /// <summary>A session application lock (sp_getapplock), released when the connection closes or the process dies.</summary>
    public override IDisposable AcquireMigrationLock(TimeSpan timeout)
    {
        var connection = new SqlConnection(ConnectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DECLARE @result INT; EXEC @result = sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = @timeout; SELECT @result;";
            command.CommandTimeout = (int)timeout.TotalSeconds + 30;
            command.Parameters.AddWithValue("@resource", "medcommailbox-schema");
            command.Parameters.AddWithValue("@timeout", (int)timeout.TotalMilliseconds);
            if (Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) < 0)
            {
                throw new TimeoutException($"Another process held the schema migration lock for more than {timeout}.");
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
