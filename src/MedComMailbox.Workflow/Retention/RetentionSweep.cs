using System.Data.Common;
using Dapper;
using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Workflow.Course;
using MedComMailbox.Workflow.Inbox;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Retention;

/// <summary>What one run deleted: counts only.</summary>
public sealed record RetentionResult(int Cases, int Messages, int Letters);

/// <summary>
/// Deletes what has outlived its period. A case that is still open is never touched, nor anything that belongs to it:
/// its messages (referral, replies, later correspondence) and its letters wait for the case; a closed case goes as a
/// whole once its own period has passed since closing. A message with an answer not yet delivered stays too.
/// </summary>
public sealed partial class RetentionSweep(MailboxDatabase database, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionSweep> logger)
{
    /// <summary>Core CaseState values of a case still being worked on (CaseStore treats the same three as open).</summary>
    private const string OpenStates = "('AwaitingConsent', 'CheckingCustody', 'OnAgenda')";

    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return new RetentionResult(0, 0, 0);
        }

        var now = time.GetUtcNow();
        long Cutoff(TimeSpan period) => now.Subtract(period).ToUnixTimeMilliseconds();

        var cases = await RepeatAsync<string>(DeleteCasesAsync, $"""
            SELECT id FROM cases
            WHERE closed_at IS NOT NULL AND closed_at < @cutoff AND state NOT IN {OpenStates}
              AND NOT EXISTS (SELECT 1 FROM courses co WHERE co.case_id = cases.id AND (co.closed_at IS NULL OR co.closed_at >= @cutoff))
            ORDER BY closed_at
            """, Cutoff(o.Cases), cancellationToken);
        var messages = await RepeatAsync<string>(
            DeleteMessagesAsync,
            """
            SELECT m.id FROM messages m
            WHERE m.received_at < @cutoff
              AND NOT EXISTS (SELECT 1 FROM case_messages cm WHERE cm.message_id = m.id)
              AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.referral_message_id = m.id)
              AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.message_id = m.id AND x.dispatched_at IS NULL)
            ORDER BY m.received_at
            """,
            Cutoff(o.Messages),
            cancellationToken);
        var letters = await RepeatAsync<string>(
            ids => (connection, transaction) => LetterStore.DeleteAsync(connection, transaction, ids),
            $"""
            SELECT l.id FROM letters l
            WHERE l.created_at < @cutoff AND l.status NOT IN ('pending', 'sending')
              AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = l.case_id AND c.state IN {OpenStates})
            ORDER BY l.created_at
            """,
            Cutoff(o.Letters),
            cancellationToken);

        var result = new RetentionResult(cases, messages, letters);
        LogDeleted(logger, result.Cases, result.Messages, result.Letters);
        return result;
    }

    /// <summary>Selects a batch of ids and deletes them, until a batch comes back short.</summary>
    private async Task<int> RepeatAsync<TId>(Func<IReadOnlyList<TId>, Func<DbConnection, DbTransaction, Task<int>>> delete, string select, long cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        var batch = options.Value.BatchSize;
        while (!cancellationToken.IsCancellationRequested)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var ids = (await connection.QueryAsync<TId>(database.Dialect.Limit(select, batch), new { cutoff })).AsList();
            if (ids.Count == 0)
            {
                break;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            total += await delete(ids)(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            if (ids.Count < batch)
            {
                break;
            }
        }

        return total;
    }

    private static Func<DbConnection, DbTransaction, Task<int>> DeleteMessagesAsync(IReadOnlyList<string> ids) => async (connection, transaction) =>
    {
        await OutboxStore.DeleteForMessagesAsync(connection, transaction, ids);
        await InboxStore.DeleteForMessagesAsync(connection, transaction, ids);
        return await MessageStore.DeleteAsync(connection, transaction, ids);
    };

    /// <summary>
    /// A closed case and everything of it: its messages (unless another case holds them too), letters, timeline, deadlines,
    /// consent links, its course and action plans. A decided case is closed at the decision, so a case whose course still
    /// runs is never selected, and a closed course counts from its own closing (issue 16).
    /// </summary>
    private static Func<DbConnection, DbTransaction, Task<int>> DeleteCasesAsync(IReadOnlyList<string> ids) => async (connection, transaction) =>
    {
        var p = new { ids };
        var messageIds = (await connection.QueryAsync<string>(
            """
            SELECT DISTINCT cm.message_id FROM case_messages cm
            WHERE cm.case_id IN @ids
              AND NOT EXISTS (SELECT 1 FROM case_messages other WHERE other.message_id = cm.message_id AND other.case_id NOT IN @ids)
            """,
            p,
            transaction)).AsList();
        foreach (var chunk in messageIds.Chunk(500))
        {
            await DeleteMessagesAsync(chunk)(connection, transaction);
        }

        await LetterStore.DeleteForCasesAsync(connection, transaction, ids);
        await CourseStore.DeleteForCasesAsync(connection, transaction, ids);
        await InboxStore.UnlinkCasesAsync(connection, transaction, ids);
        await DeadlineStore.DeleteForCasesAsync(connection, transaction, ids);
        await ConsentTokenStore.DeleteForCasesAsync(connection, transaction, ids);
        return await CaseStore.DeleteAsync(connection, transaction, ids);
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Cases} closed case(s), {Messages} message(s), {Letters} letter(s)")]
    private static partial void LogDeleted(ILogger logger, int cases, int messages, int letters);
}

/// <summary>Runs the sweep at start and then every <c>Retention:RunInterval</c>.</summary>
public sealed partial class RetentionService(RetentionSweep sweep, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionService> logger)
    : PeriodicBackgroundService(time)
{
    protected override TimeSpan Interval => options.Value.RunInterval;

    protected override bool RunsAtStart => true;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => sweep.RunAsync(cancellationToken);

    protected override void LogFailed(Exception exception) => LogFailed(logger, exception.GetType().Name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention run failed ({ExceptionType}); the next run tries again")]
    private static partial void LogFailed(ILogger logger, string exceptionType);
}

public static class RetentionRegistration
{
    /// <summary>Options (validated at start) and, where the consumers run (<c>Bus:RunConsumers</c>), the daily deletion.</summary>
    public static IServiceCollection AddMailboxRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateSettings().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RetentionSweep>();
        if (BusOptions.RunsConsumers(configuration))
        {
            services.AddHostedService<RetentionService>();
        }

        return services;
    }
}
