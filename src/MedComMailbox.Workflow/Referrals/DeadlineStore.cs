using System.Data.Common;
using Dapper;
using MedComMailbox.Infrastructure.Reconciliation;
using MedComMailbox.Infrastructure.Storage;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>One row of <c>deadlines</c> as the sweep claims it.</summary>
public sealed record DeadlineRow(long Id, string CaseId, string Kind, long DueAt, long Attempts);

/// <summary>
/// The one writer of <c>deadlines</c>: a deadline is added (with the case's effects, or a deferred triage), claimed with a
/// lease by the sweep, postponed after a failure, marked done, and deleted with its case by the retention. It also
/// counts the overdue ones for the reconciliation's drift (<see cref="IOverdueDeadlines"/>).
/// </summary>
public sealed class DeadlineStore(MailboxDatabase database) : IOverdueDeadlines
{
    public async Task<(long Count, long? OldestDueAt)> OverdueAsync(long dueBefore, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<(long Count, long? OldestDueAt)>(
            "SELECT COUNT(*) AS count, MIN(due_at) AS oldest FROM deadlines WHERE done_at IS NULL AND due_at < @dueBefore",
            new { dueBefore });
    }

    public static Task AddAsync(DbConnection connection, DbTransaction transaction, string caseId, string kind, long dueAt) =>
        connection.ExecuteAsync(
            "INSERT INTO deadlines (case_id, kind, due_at, attempts) VALUES (@caseId, @kind, @dueAt, 0)",
            new { caseId, kind, dueAt },
            transaction);

    /// <summary>Up to 20 due rows no one holds, each leased to <paramref name="me"/> for <paramref name="lease"/>; the rows another process took first are left out.</summary>
    public async Task<IReadOnlyList<DeadlineRow>> ClaimAsync(string me, TimeSpan lease, long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var due = (await connection.QueryAsync<DeadlineRow>(
            database.Dialect.Limit(
                "SELECT id, case_id, kind, due_at, attempts FROM deadlines WHERE done_at IS NULL AND due_at <= @now AND (locked_until IS NULL OR locked_until <= @now) ORDER BY due_at", 20),
            new { now })).AsList();
        var claimed = new List<DeadlineRow>();
        foreach (var row in due)
        {
            var taken = await connection.ExecuteAsync(
                "UPDATE deadlines SET locked_by = @me, locked_until = @until WHERE id = @Id AND done_at IS NULL AND (locked_until IS NULL OR locked_until <= @now)",
                new { me, until = now + (long)lease.TotalMilliseconds, row.Id, now });
            if (taken == 1)
            {
                claimed.Add(row);
            }
        }

        return claimed;
    }

    /// <summary>A failed row: its lease ends at <paramref name="until"/> (the backoff), with the attempt and the error's type.</summary>
    public async Task PostponeAsync(long id, long attempts, string? error, long until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "UPDATE deadlines SET attempts = @attempts, last_error = @error, locked_by = NULL, locked_until = @until WHERE id = @Id AND done_at IS NULL",
            new { attempts, error, until, Id = id });
    }

    public async Task MarkDoneAsync(long id, long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("UPDATE deadlines SET done_at = @now WHERE id = @id", new { now, id });
    }

    /// <summary>Marks the row done inside the caller's transaction (with the case change the deadline caused).</summary>
    public static async Task MarkDoneAsync(DbConnection connection, DbTransaction transaction, long id, DateTimeOffset now) =>
        await connection.ExecuteAsync("UPDATE deadlines SET done_at = @now WHERE id = @id", new { now = now.ToUnixTimeMilliseconds(), id }, transaction);

    /// <summary>The retention: the deadlines of deleted cases.</summary>
    public static Task DeleteForCasesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> caseIds) =>
        connection.ExecuteAsync("DELETE FROM deadlines WHERE case_id IN @ids", new { ids = caseIds }, transaction);
}
