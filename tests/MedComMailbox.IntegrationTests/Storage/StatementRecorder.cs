using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using DbUp;
using DbUp.Builder;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MedComMailbox.IntegrationTests.Storage;

/// <summary>
/// The mailbox's own SQLite dialect, plus SQLite's statement trace on every connection it opens: each distinct SQL
/// statement the running host executes is kept with the mailbox method that issued it. The statement texts are the ones
/// SQLite ran, not copies, so a query that changes in the code is checked as it is.
/// </summary>
internal sealed partial class StatementRecorder(string connectionString) : SqlDialect(connectionString)
{
    private readonly SqliteDialect _inner = new(connectionString);

    /// <summary>
    /// One example per statement (SQLite's trace shows it with the bound values in place), keyed by its shape with the
    /// literals taken out, with the first mailbox method seen issuing it.
    /// </summary>
    public ConcurrentDictionary<string, (string Sql, string Caller)> Statements { get; } = new(StringComparer.Ordinal);

    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)await _inner.OpenAsync(cancellationToken);
        raw.sqlite3_trace(connection.Handle, (_, sql) => Record(sql), null);
        return connection;
    }

    public override string Limit(string orderedQuery, int rows) => _inner.Limit(orderedQuery, rows);

    public override bool IsUniqueViolation(Exception exception) => _inner.IsUniqueViolation(exception);

    public override IDisposable AcquireMigrationLock(TimeSpan timeout) => _inner.AcquireMigrationLock(timeout);

    protected override UpgradeEngineBuilder Deploy(SupportedDatabases to) => to.SqliteDatabase(ConnectionString);

    private void Record(string sql)
    {
        // Lines starting with "--" are statements run by triggers; the mailbox has none, but they would repeat their parent.
        if (sql.StartsWith("--", StringComparison.Ordinal))
        {
            return;
        }

        var shape = Literals().Replace(sql, "?");
        if (!Statements.ContainsKey(shape))
        {
            Statements.TryAdd(shape, (sql, Caller()));
        }
    }

    /// <summary>The innermost frame in the mailbox's own code (async methods show as their state machine's type).</summary>
    private static string Caller()
    {
        foreach (var frame in new StackTrace(2, false).GetFrames())
        {
            var type = frame.GetMethod()?.DeclaringType;
            var name = type?.FullName;
            if (name is not null && name.StartsWith("MedComMailbox.", StringComparison.Ordinal) && !name.StartsWith("MedComMailbox.IntegrationTests.", StringComparison.Ordinal))
            {
                return type!.DeclaringType is { } outer && name.Contains("+<", StringComparison.Ordinal)
                    ? $"{outer.FullName}.{name[(name.IndexOf("+<", StringComparison.Ordinal) + 2)..name.IndexOf('>', StringComparison.Ordinal)]}"
                    : $"{name}.{frame.GetMethod()!.Name}";
            }
        }

        return "(test)";
    }

    [GeneratedRegex(@"'(?:[^']|'')*'|\b\d+\b|X'[0-9A-Fa-f]*'")]
    private static partial Regex Literals();
}
