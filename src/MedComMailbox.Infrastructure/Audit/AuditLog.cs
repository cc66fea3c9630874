using System.Data.Common;
using Dapper;
using MedComMailbox.Infrastructure.Storage;

namespace MedComMailbox.Infrastructure.Audit;

/// <summary>
/// One access to personal data: who (the staff member's name), what (an <see cref="AuditActions"/> code), whose data (the
/// person's CPR number, when one is touched), why (the purpose, in Danish as staff read it) and on what (kind and id).
/// </summary>
public sealed record AuditEntry(string UserName, string Action, string Purpose, string? PersonCpr = null, string? TargetKind = null, string? TargetId = null);

/// <summary>A stored audit entry.</summary>
public sealed record AuditRecord(long Id, DateTimeOffset At, string UserName, string Action, string? PersonCpr, string Purpose, string? TargetKind, string? TargetId);

/// <summary>The action codes the pages log. Stable: exports and retention queries use them.</summary>
public static class AuditActions
{
    public const string ViewInbox = "view-inbox";
    public const string Search = "search";
    public const string ViewMessage = "view-message";
    public const string DownloadAttachment = "download-attachment";
    public const string ReplyMessage = "reply-message";
    public const string WriteMessage = "write-message";
    public const string ViewCase = "view-case";
    public const string RegisterConsent = "register-consent";
    public const string CloseCase = "close-case";
    public const string ResendLetter = "resend-letter";
    public const string ViewAgenda = "view-agenda";
    public const string RecordDecision = "record-decision";
    public const string ViewAudit = "view-audit";
    public const string ExportAudit = "export-audit";
    public const string ViewLetter = "view-letter";
    public const string HandOverCourse = "hand-over-course";
    public const string ViewCourse = "view-course";
    public const string RecordCourse = "record-course";
    public const string ViewActionPlan = "view-action-plan";
    public const string StopCourse = "stop-course";
    /// <summary>The hand-over (or stop) notification reached the responsible party's mail server (the system, not a person).</summary>
    public const string NotifyResponsibleParty = "notify-responsible-party";
    public const string ViewPrintQueue = "view-print-queue";
    public const string DownloadPaperLetter = "download-paper-letter";
    public const string MarkLetterPrinted = "mark-letter-printed";
}

/// <summary>
/// The audit log of accesses to personal data (table <c>audit_log</c>). Entries are written in the same request as the
/// access, before the page shows anything, so a view that is not logged is a view that failed.
/// </summary>
public sealed class AuditLog(MailboxDatabase database, TimeProvider time)
{
    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await RecordAsync(connection, null, entry);
    }

    /// <summary>Records several entries at once (a search that shows several persons logs one entry per person).</summary>
    public async Task RecordAsync(IReadOnlyCollection<AuditEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var entry in entries)
        {
            await RecordAsync(connection, transaction, entry);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task RecordAsync(DbConnection connection, DbTransaction? transaction, AuditEntry entry) =>
        connection.ExecuteAsync(
            """
            INSERT INTO audit_log (at, user_name, action, person_cpr, purpose, target_kind, target_id)
            VALUES (@at, @UserName, @Action, @PersonCpr, @Purpose, @TargetKind, @TargetId)
            """,
            new { at = time.GetUtcNow().ToUnixTimeMilliseconds(), entry.UserName, entry.Action, entry.PersonCpr, entry.Purpose, entry.TargetKind, entry.TargetId },
            transaction);

    /// <summary>Every entry about one person, newest first (the administrator's "who has seen my data" answer).</summary>
    public async Task<IReadOnlyList<AuditRecord>> ForPersonAsync(string personCpr, DateTimeOffset? from, DateTimeOffset? until, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(
            database.Dialect.Limit(
                """
                SELECT id, at, user_name, action, person_cpr, purpose, target_kind, target_id FROM audit_log
                WHERE person_cpr = @personCpr AND at >= @from AND at < @until
                ORDER BY at DESC, id DESC
                """,
                limit),
            new { personCpr, from = from?.ToUnixTimeMilliseconds() ?? 0, until = until?.ToUnixTimeMilliseconds() ?? long.MaxValue });
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>The newest entries of every kind (what the administrator sees first).</summary>
    public async Task<IReadOnlyList<AuditRecord>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(
            database.Dialect.Limit("SELECT id, at, user_name, action, person_cpr, purpose, target_kind, target_id FROM audit_log ORDER BY id DESC", limit));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>Deletes entries older than <paramref name="cutoff"/> (retention); returns how many.</summary>
    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync("DELETE FROM audit_log WHERE at < @cutoff", new { cutoff = cutoff.ToUnixTimeMilliseconds() });
    }

    private sealed class Row
    {
        public long Id { get; set; }
        public long At { get; set; }
        public string UserName { get; set; } = "";
        public string Action { get; set; } = "";
        public string? PersonCpr { get; set; }
        public string Purpose { get; set; } = "";
        public string? TargetKind { get; set; }
        public string? TargetId { get; set; }

        public AuditRecord ToRecord() => new(Id, DateTimeOffset.FromUnixTimeMilliseconds(At), UserName, Action, PersonCpr, Purpose, TargetKind, TargetId);
    }
}
