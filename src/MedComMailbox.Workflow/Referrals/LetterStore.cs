using System.Data.Common;
using Dapper;
using MedComMailbox.Infrastructure.Alerts;
using MedComMailbox.Infrastructure.Storage;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// The one owner of the <c>letters</c> table: a letter is queued in the transaction of the case effect that asks for it
/// (<see cref="CaseEffects"/>), leased and sent or put in the print queue by <see cref="LetterDispatcher"/>, moved on by
/// Digital Post's status callbacks, marked printed by an operator, and sent again by a person when it failed.
/// Statuses: pending → sending → accepted → delivered | failed; sending → print → printed. The letters failed for good
/// are the failure webhook's <see cref="AlertKinds.LetterFailed"/> (<see cref="IFailureSource"/>).
/// </summary>
public sealed class LetterStore(MailboxDatabase database) : IFailureSource
{
    private const string SendColumns = "l.id, l.case_id, l.kind, l.party_id, l.party_role, l.title, l.body, l.action_url, l.action_until, l.attempts, l.created_at, c.child_cpr, c.referral_message_id";

    public MailboxDatabase Database => database;

    string IFailureSource.Kind => AlertKinds.LetterFailed;

    async Task<IReadOnlyList<FailureCandidate>> IFailureSource.FailuresSinceAsync(long since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var failed = await connection.QueryAsync<(string Id, long At, string? Mailbox)>(
            "SELECT l.id, COALESCE(l.status_at, l.created_at) AS at, c.mailbox_gln AS mailbox FROM letters l LEFT JOIN cases c ON c.id = l.case_id WHERE l.status = 'failed' AND COALESCE(l.status_at, l.created_at) >= @since",
            new { since });
        return failed.Select(f => new FailureCandidate(f.Id, f.At, f.Mailbox)).ToList();
    }

    /// <summary>A new letter, due now. Its link is never stored (schema 0005): the dispatcher makes one when it sends.</summary>
    public static Task QueueAsync(DbConnection connection, DbTransaction transaction, QueuedLetter letter, long now) =>
        connection.ExecuteAsync(
            """
            INSERT INTO letters (id, case_id, kind, party_id, party_role, recipient_name, title, body, action_url, action_until, status, attempts, next_attempt_at, created_at)
            VALUES (@Id, @CaseId, @Kind, @PartyId, @PartyRole, @RecipientName, @Title, @Body, NULL, @ActionUntil, 'pending', 0, @now, @now)
            """,
            new { letter.Id, letter.CaseId, letter.Kind, letter.PartyId, letter.PartyRole, letter.RecipientName, letter.Title, letter.Body, letter.ActionUntil, now },
            transaction);

    /// <summary>Leases up to <paramref name="limit"/> due letters (new, or left in "sending" by a process that died) until <paramref name="until"/>.</summary>
    internal async Task<List<LetterRow>> ClaimDueAsync(long now, long until, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var due = (await connection.QueryAsync<LetterRow>(
            database.Dialect.Limit(
                $"""
                SELECT {SendColumns}
                FROM letters l JOIN cases c ON c.id = l.case_id
                WHERE (l.status = 'pending' AND l.next_attempt_at <= @now) OR (l.status = 'sending' AND l.locked_until < @now)
                ORDER BY l.next_attempt_at
                """, limit),
            new { now })).AsList();
        var claimed = new List<LetterRow>();
        foreach (var letter in due)
        {
            var taken = await connection.ExecuteAsync(
                """
                UPDATE letters SET status = 'sending', locked_until = @until, attempts = attempts + 1
                WHERE id = @Id AND ((status = 'pending' AND next_attempt_at <= @now) OR (status = 'sending' AND locked_until < @now))
                """,
                new { until, letter.Id, now });
            if (taken == 1)
            {
                letter.Attempts++;
                claimed.Add(letter);
            }
        }

        return claimed;
    }

    /// <summary>Digital Post accepted the letter (a status callback that came first is kept).</summary>
    internal async Task MarkAcceptedAsync(string id, string? transmissionId, long now)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(
            """
            UPDATE letters SET status = CASE WHEN status = 'sending' THEN 'accepted' ELSE status END,
                   status_at = CASE WHEN status = 'sending' THEN @now ELSE status_at END,
                   transmission_id = @transmissionId, sent_at = @now, locked_until = NULL
            WHERE id = @id
            """,
            new { transmissionId, now, id });
    }

    /// <summary>A send failed: due again at <paramref name="next"/>, or failed for a person to look at.</summary>
    internal static Task MarkAttemptFailedAsync(DbConnection connection, DbTransaction transaction, string id, bool failed, long next, string error, long now) =>
        connection.ExecuteAsync(
            """
            UPDATE letters SET status = @status, next_attempt_at = @next, locked_until = NULL, error_code = @error, status_at = @now
            WHERE id = @id AND status = 'sending'
            """,
            new { status = failed ? "failed" : "pending", next, error, now, id },
            transaction);

    /// <summary>The recipient is exempt from Digital Post: the letter waits in the print queue with the register's name and address.</summary>
    internal static async Task<bool> QueueForPrintAsync(DbConnection connection, DbTransaction transaction, string id, string name, string? address, long at) =>
        await connection.ExecuteAsync(
            """
            UPDATE letters SET status = 'print', print_name = @name, print_address = @address, status_at = @at, locked_until = NULL, error_code = NULL
            WHERE id = @id AND status = 'sending'
            """,
            new { name, address, at, id },
            transaction) == 1;

    /// <summary>A letter of the print queue with what its paper version needs; null when no letter with that id waits to be printed.</summary>
    internal async Task<PaperRow?> WaitingForPrintAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<PaperRow>(
            $"""
            SELECT {SendColumns}, c.mailbox_gln, l.print_name, l.print_address, l.recipient_name
            FROM letters l JOIN cases c ON c.id = l.case_id
            WHERE l.id = @id AND l.status = 'print'
            """,
            new { id = id.ToString() });
    }

    /// <summary>An operator printed and posted it; null when it no longer waits to be printed (someone else marked it).</summary>
    internal static async Task<(string CaseId, string Kind, string PartyId, string PartyRole)?> MarkPrintedAsync(
        DbConnection connection, DbTransaction transaction, Guid id, string actor, long at)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(string CaseId, string Kind, string PartyId, string PartyRole)?>(
            "SELECT case_id, kind, party_id, party_role FROM letters WHERE id = @id AND status = 'print'", new { id = id.ToString() }, transaction);
        return row is { } l && await connection.ExecuteAsync(
                "UPDATE letters SET status = 'printed', sent_at = @at, status_at = @at, printed_by = @actor WHERE id = @id AND status = 'print'",
                new { at, actor, id = id.ToString() }, transaction) == 1
            ? l
            : null;
    }

    internal static Task<StatusRow?> StatusAsync(DbConnection connection, DbTransaction transaction, Guid id) =>
        connection.QuerySingleOrDefaultAsync<StatusRow>("SELECT case_id, kind, status FROM letters WHERE id = @id", new { id = id.ToString() }, transaction);

    /// <summary>A delivery status Digital Post reported.</summary>
    internal static Task RecordStatusAsync(DbConnection connection, DbTransaction transaction, Guid id, string status, string? code, string? error, long now) =>
        connection.ExecuteAsync(
            "UPDATE letters SET status = @status, status_code = @code, error_code = @error, status_at = @now, locked_until = NULL WHERE id = @id",
            new { status, code, error, now, id = id.ToString() },
            transaction);

    /// <summary>
    /// A person sends a failed letter again: the same id, so the same messageUUID (if the first attempt did arrive after
    /// all, Digital Post sees one letter). The case id, or null when the letter has not failed.
    /// </summary>
    public static async Task<string?> SendFailedAgainAsync(DbConnection connection, DbTransaction transaction, Guid id, long now)
    {
        var caseId = await connection.ExecuteScalarAsync<string?>("SELECT case_id FROM letters WHERE id = @id AND status = 'failed'", new { id = id.ToString() }, transaction);
        if (caseId is not null)
        {
            await connection.ExecuteAsync(
                "UPDATE letters SET status = 'pending', attempts = 0, next_attempt_at = @now, locked_until = NULL, error_code = NULL WHERE id = @id AND status = 'failed'",
                new { now, id = id.ToString() }, transaction);
        }

        return caseId;
    }

    /// <summary>The retention: letters by id (closed cases' letters past their period) or all letters of deleted cases.</summary>
    public static Task<int> DeleteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> ids) =>
        connection.ExecuteAsync("DELETE FROM letters WHERE id IN @ids", new { ids }, transaction);

    public static Task<int> DeleteForCasesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> caseIds) =>
        connection.ExecuteAsync("DELETE FROM letters WHERE case_id IN @ids", new { ids = caseIds }, transaction);
}

/// <summary>A letter as a case effect queues it (the rendered text; the party's role decides the voice).</summary>
public sealed record QueuedLetter(string Id, string CaseId, string Kind, string PartyId, string PartyRole, string RecipientName, string Title, string Body, long? ActionUntil);

/// <summary>A letter as the dispatcher sends it, with its case's child and referral.</summary>
internal class LetterRow
{
    public string Id { get; set; } = "";
    public string CaseId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string PartyId { get; set; } = "";
    public string PartyRole { get; set; } = "";
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public string? ActionUrl { get; set; }
    public long? ActionUntil { get; set; }
    public long Attempts { get; set; }
    public long CreatedAt { get; set; }
    public string ChildCpr { get; set; } = "";
    public string? ReferralMessageId { get; set; }
}

/// <summary>A letter of the print queue.</summary>
internal sealed class PaperRow : LetterRow
{
    public string MailboxGln { get; set; } = "";
    public string RecipientName { get; set; } = "";
    public string? PrintName { get; set; }
    public string? PrintAddress { get; set; }
}

internal sealed class StatusRow
{
    public string CaseId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Status { get; set; } = "";
}
