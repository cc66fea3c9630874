using System.Data.Common;
using Dapper;
using MedComMailbox.Infrastructure.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MedComMailbox.Infrastructure.Storage;

/// <summary>The database the mailbox keeps everything in: opens connections and applies the schema scripts.</summary>
public sealed partial class MailboxDatabase
{
    static MailboxDatabase()
    {
        // Columns are snake_case, properties PascalCase.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public MailboxDatabase(SqlDialect dialect) => Dialect = dialect;

    public SqlDialect Dialect { get; }

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) => Dialect.OpenAsync(cancellationToken);

    /// <inheritdoc cref="SqlDialect.WriteAsync{T}"/>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        Dialect.WriteAsync(work, cancellationToken);

    public static MailboxDatabase From(StorageOptions storage, MailboxOptions mailbox)
    {
        var connectionString = storage.ConnectionString;
        if (storage.Provider == StorageProvider.Sqlite && string.IsNullOrWhiteSpace(connectionString))
        {
            var directory = mailbox.ResolvePath(mailbox.DataDirectory);
            Directory.CreateDirectory(directory);
            connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "mailbox.db"), Pooling = true }.ToString();
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("Storage:ConnectionString is required for SQL Server.");
        }

        return new MailboxDatabase(SqlDialect.Create(storage.Provider, connectionString));
    }

    /// <summary>
    /// Applies the numbered scripts not yet applied (DbUp keeps the journal in table SchemaVersions), under the
    /// dialect's migration lock, so any number of processes may start at once.
    /// </summary>
    public void Migrate(ILogger logger)
    {
        using var migrationLock = Dialect.AcquireMigrationLock(TimeSpan.FromMinutes(2));
        var result = Dialect.Migrations().Build().PerformUpgrade();
        if (!result.Successful)
        {
            LogMigrationFailed(logger, result.ErrorScript?.Name, result.Error);
            throw new InvalidOperationException($"The database schema could not be brought up to date (script {result.ErrorScript?.Name}).", result.Error);
        }

        foreach (var script in result.Scripts)
        {
            LogApplied(logger, script.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema script {Script} applied")]
    private static partial void LogApplied(ILogger logger, string script);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Schema script {Script} failed")]
    private static partial void LogMigrationFailed(ILogger logger, string? script, Exception exception);
}
