using Dapper;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Core.Time;

namespace MedComMailbox.Workflow.Inbox;

/// <summary>
/// Reads for the inbox pages. Every query takes the set of mailboxes the user may see (empty = every mailbox) and filters
/// in SQL, so a limited user never receives a row of another mailbox. One message's page reads through <see cref="MessageDetailQueries"/>.
/// </summary>
public sealed class InboxQueries(MailboxDatabase database)
{
    private static readonly TimeZoneInfo Copenhagen = DanishTime.Zone;

    public async Task<InboxPage> ListAsync(InboxFilter filter, IReadOnlySet<string> allowedMailboxes, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var parameters = new DynamicParameters();
        RestrictTo(allowedMailboxes, where, parameters);
        switch (filter.View)
        {
            case InboxView.New:
                where.Add("state = 'new'");
                break;
            case InboxView.Unhandled:
                where.Add("state <> 'done'");
                break;
        }

        Add(where, parameters, "mailbox_gln = @mailbox", "mailbox", filter.Mailbox);
        Add(where, parameters, "kind = @kind", "kind", filter.Kind);
        Add(where, parameters, "state = @state", "state", filter.State);
        Add(where, parameters, "assigned_to = @assignedTo", "assignedTo", filter.AssignedTo);
        if (filter.From is { } from)
        {
            where.Add("received_at >= @from");
            parameters.Add("from", StartOfDay(from));
        }

        if (filter.To is { } to)
        {
            where.Add("received_at < @to");
            parameters.Add("to", StartOfDay(to.AddDays(1)));
        }

        if (SearchTerm.Parse(filter.Search) is { } search)
        {
            if (search.Cpr is not null)
            {
                where.Add("patient_cpr = @cpr");
                parameters.Add("cpr", search.Cpr);
            }
            else
            {
                // Case-insensitive for letters outside ASCII too (æ, ø, å): SQLite's LIKE folds ASCII only.
                where.Add("(patient_name LIKE @name ESCAPE '\\' OR patient_name LIKE @nameLower ESCAPE '\\' OR patient_name LIKE @nameUpper ESCAPE '\\')");
                parameters.Add("name", $"%{Escape(search.Name!)}%");
                parameters.Add("nameLower", $"%{Escape(search.Name!.ToLowerInvariant())}%");
                parameters.Add("nameUpper", $"%{Escape(search.Name!.ToUpperInvariant())}%");
            }
        }

        if (filter.After is { } after)
        {
            where.Add("(received_at < @afterAt OR (received_at = @afterAt AND id < @afterId))");
            parameters.Add("afterAt", after.ReceivedAt);
            parameters.Add("afterId", after.ItemId);
        }

        var pageSize = Math.Clamp(filter.PageSize, 1, 500);
        var sql = database.Dialect.Limit(
            $"""
            SELECT id, message_id, mailbox_gln, kind, received_at, sender_name, sender_gln, patient_cpr, patient_name, subject, state, assigned_to, case_id
            FROM inbox_items
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY received_at DESC, id DESC
            """,
            pageSize + 1);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ItemRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        var next = rows.Count > pageSize ? new InboxCursor(rows[pageSize - 1].ReceivedAt ?? 0, rows[pageSize - 1].Id) : null;
        return new InboxPage(rows.Take(pageSize).Select(r => r.ToRow()).ToList(), next);
    }

    public async Task<InboxCounts> CountsAsync(IReadOnlySet<string> allowedMailboxes, CancellationToken cancellationToken)
    {
        var where = new List<string> { "state <> 'done'" };
        var parameters = new DynamicParameters();
        RestrictTo(allowedMailboxes, where, parameters);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Mailbox, string State, long Count)>(new CommandDefinition(
            $"SELECT mailbox_gln, state, COUNT(*) FROM inbox_items WHERE {string.Join(" AND ", where)} GROUP BY mailbox_gln, state", parameters, cancellationToken: cancellationToken));
        var list = rows.ToList();
        return new InboxCounts(
            list.Where(r => r.State == "new").GroupBy(r => r.Mailbox).ToDictionary(g => g.Key, g => g.Sum(r => r.Count), StringComparer.Ordinal),
            list.GroupBy(r => r.Mailbox).ToDictionary(g => g.Key, g => g.Sum(r => r.Count), StringComparer.Ordinal));
    }

    private static void RestrictTo(IReadOnlySet<string> allowedMailboxes, List<string> where, DynamicParameters parameters)
    {
        if (allowedMailboxes.Count > 0)
        {
            where.Add("mailbox_gln IN @allowed");
            parameters.Add("allowed", allowedMailboxes.ToArray());
        }
    }

    private static void Add(List<string> where, DynamicParameters parameters, string condition, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            where.Add(condition);
            parameters.Add(name, value.Trim());
        }
    }

    private static long StartOfDay(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Copenhagen.GetUtcOffset(local)).ToUnixTimeMilliseconds();
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    internal sealed class ItemRow
    {
        public string Id { get; set; } = "";
        public string MessageId { get; set; } = "";
        public string MailboxGln { get; set; } = "";
        public string? Kind { get; set; }
        public long? ReceivedAt { get; set; }
        public string? SenderName { get; set; }
        public string? SenderGln { get; set; }
        public string? PatientCpr { get; set; }
        public string? PatientName { get; set; }
        public string? Subject { get; set; }
        public string State { get; set; } = "";
        public string? AssignedTo { get; set; }
        public string? CaseId { get; set; }
        public string? HandledBy { get; set; }
        public long? HandledAt { get; set; }

        public InboxRow ToRow() => new(
            Guid.Parse(Id), Guid.Parse(MessageId), MailboxGln, Kind ?? "", DateTimeOffset.FromUnixTimeMilliseconds(ReceivedAt ?? 0), SenderName, SenderGln,
            PatientCpr, PatientName, Subject, State, AssignedTo, Guid.TryParse(CaseId, out var c) ? c : null);
    }
}

/// <summary>A search: a CPR number (with or without the dash) or part of a name.</summary>
public sealed record SearchTerm(string? Cpr, string? Name)
{
    public static SearchTerm? Parse(string? text)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        var digits = trimmed.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        return digits.Length == 10 && digits.All(char.IsAsciiDigit) ? new SearchTerm(digits, null) : new SearchTerm(null, trimmed.Length > 100 ? trimmed[..100] : trimmed);
    }
}
