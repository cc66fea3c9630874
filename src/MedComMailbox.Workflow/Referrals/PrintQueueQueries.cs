using Dapper;
using MedComMailbox.Infrastructure.Storage;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>A letter waiting to be printed, as the print queue page lists it. Personal data: render it, never log it.</summary>
public sealed record PrintQueueItem(
    Guid Id,
    Guid CaseId,
    string MailboxGln,
    string Kind,
    string PartyId,
    string PartyRole,
    string RecipientName,
    string? RecipientAddress,
    string Title,
    DateTimeOffset Since);

/// <summary>
/// The read side of the print queue (letters with status <c>print</c>, written by <see cref="LetterDispatcher"/>), within the
/// user's mailboxes (empty = every mailbox), oldest first: the operator prints from the top.
/// </summary>
public sealed class PrintQueueQueries(MailboxDatabase database)
{
    public const int ListLimit = 200;

    private const string Select =
        """
        SELECT l.id, l.case_id, c.mailbox_gln, l.kind, l.party_id, l.party_role, l.recipient_name, l.print_name, l.print_address, l.title,
               COALESCE(l.status_at, l.created_at) AS since
        FROM letters l JOIN cases c ON c.id = l.case_id
        WHERE l.status = 'print'
        """;

    public async Task<IReadOnlyList<PrintQueueItem>> ListAsync(IReadOnlyCollection<string> mailboxes, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(
            database.Dialect.Limit(
                Select + (mailboxes.Count > 0 ? " AND c.mailbox_gln IN @mailboxes" : "") + " ORDER BY COALESCE(l.status_at, l.created_at), l.id",
                ListLimit),
            new { mailboxes });
        return rows.Select(ToItem).ToList();
    }

    /// <summary>One letter waiting to be printed; null when no letter with that id waits (any more).</summary>
    public async Task<PrintQueueItem?> FindAsync(Guid letterId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(Select + " AND l.id = @id", new { id = letterId.ToString() });
        return row is null ? null : ToItem(row);
    }

    private static PrintQueueItem ToItem(Row r) => new(
        Guid.Parse(r.Id), Guid.Parse(r.CaseId), r.MailboxGln, r.Kind, r.PartyId, r.PartyRole, r.PrintName ?? r.RecipientName, r.PrintAddress, r.Title,
        DateTimeOffset.FromUnixTimeMilliseconds(r.Since));

    /// <summary>How many letters wait to be printed (start page and operations page).</summary>
    public async Task<int> CountAsync(IReadOnlyCollection<string> mailboxes, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (int)await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM letters l JOIN cases c ON c.id = l.case_id WHERE l.status = 'print'" + (mailboxes.Count > 0 ? " AND c.mailbox_gln IN @mailboxes" : ""),
            new { mailboxes });
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string CaseId { get; set; } = "";
        public string MailboxGln { get; set; } = "";
        public string Kind { get; set; } = "";
        public string PartyId { get; set; } = "";
        public string PartyRole { get; set; } = "";
        public string RecipientName { get; set; } = "";
        public string? PrintName { get; set; }
        public string? PrintAddress { get; set; }
        public string Title { get; set; } = "";
        public long Since { get; set; }
    }
}
