using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Storage;

/// <summary>
/// Keeps the query planner's statistics current: at start and then every <c>Storage:OptimizeInterval</c>
/// (SQLite: <c>PRAGMA optimize</c>; nothing to do on SQL Server). Registered after the schema migration.
/// </summary>
public sealed partial class DatabaseOptimizer(MailboxDatabase database, IOptions<StorageOptions> options, TimeProvider time, ILogger<DatabaseOptimizer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.OptimizeInterval, time);
        do
        {
            try
            {
                await database.Dialect.OptimizeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The type only; the next run tries again. Stale statistics slow queries down, they do not break them.
                LogFailed(logger, e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the query planner's statistics failed ({ExceptionType}); the next run tries again")]
    private static partial void LogFailed(ILogger logger, string exceptionType);
}
