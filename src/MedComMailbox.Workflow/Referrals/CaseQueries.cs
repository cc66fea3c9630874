using Dapper;
using MedComMailbox.Core.Letters;
using MedComMailbox.Core.Referrals;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>The read side for the pages: case lists, one case with its timeline, letters and messages, and the agenda.</summary>
public sealed class CaseQueries(CaseStore cases, Microsoft.Extensions.Options.IOptions<WorkflowOptions> options)
{
    private static readonly string[] OpenStates = [nameof(CaseState.AwaitingConsent), nameof(CaseState.CheckingCustody), nameof(CaseState.OnAgenda)];

    /// <summary>Cases, newest first; <paramref name="openOnly"/> hides decided and closed ones.</summary>
    public async Task<IReadOnlyList<CaseSummary>> ListAsync(bool openOnly, CancellationToken cancellationToken)
    {
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        var sql = "SELECT * FROM cases" + (openOnly ? " WHERE state IN @OpenStates" : "") + " ORDER BY opened_at DESC";
        var rows = await connection.QueryAsync<CaseRow>(cases.Database.Dialect.Limit(sql, 1000), new { OpenStates });
        return rows.Select(Summary).ToList();
    }

    public async Task<CaseDetail?> GetAsync(Guid caseId, CancellationToken cancellationToken)
    {
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        var row = await cases.GetAsync(connection, null, caseId);
        if (row is null)
        {
            return null;
        }

        var @case = ReferralCase.Restore(CaseStore.Deserialize(row.Snapshot), options.Value.ConsentPolicy());
        var parties = @case.Parties.Select(p =>
        {
            var consent = @case.Consents.FirstOrDefault(c => c.PartyId == p.PartyId);
            return new PartyView(p.PartyId, p.Role, row.NameOf(p.PartyId), p.ProtectedAddress, consent?.Answer ?? Core.Consent.ConsentAnswer.Pending, consent?.AnsweredAt);
        }).ToList();
        var timeline = (await connection.QueryAsync<(long At, string Kind, string Text, string? Actor)>(
                "SELECT at, kind, text, actor FROM case_events WHERE case_id = @Id ORDER BY id", new { row.Id }))
            .Select(e => new TimelineEntry(DateTimeOffset.FromUnixTimeMilliseconds(e.At), e.Kind, e.Text, e.Actor)).ToList();
        var letters = (await connection.QueryAsync<LetterRow>(
                "SELECT id, kind, party_id, recipient_name, title, status, error_code, attempts, created_at, status_at FROM letters WHERE case_id = @Id ORDER BY created_at, id", new { row.Id }))
            .Select(l => new LetterView(Guid.Parse(l.Id), Enum.Parse<LetterKind>(l.Kind), l.PartyId, l.RecipientName, l.Title, l.Status, l.ErrorCode, (int)l.Attempts,
                DateTimeOffset.FromUnixTimeMilliseconds(l.CreatedAt), l.StatusAt is { } s ? DateTimeOffset.FromUnixTimeMilliseconds(s) : null)).ToList();
        var messages = (await connection.QueryAsync<(string Id, string Direction, string Kind, string Status, string? AckCode, long ReceivedAt)>(
                """
                SELECT m.id, m.direction, m.kind, m.status, m.ack_code, m.received_at FROM case_messages cm JOIN messages m ON m.id = cm.message_id
                WHERE cm.case_id = @Id ORDER BY m.received_at
                """, new { row.Id }))
            .Select(m => new CaseMessageView(Guid.Parse(m.Id), m.Direction, m.Kind, m.Status, m.AckCode, DateTimeOffset.FromUnixTimeMilliseconds(m.ReceivedAt))).ToList();
        return new CaseDetail(
            Guid.Parse(row.Id), row.MailboxGln, row.ChildCpr, row.ChildName, row.GpName, row.GpGln, @case.State,
            DateTimeOffset.FromUnixTimeMilliseconds(row.OpenedAt), @case.ConsentDeadline, @case.ReminderSent,
            row.LinkedCaseId is { } linked ? Guid.Parse(linked) : null, parties, @case.Agenda, @case.Decision, @case.ClosedReason, row.Flagged,
            timeline, letters, messages, @case.NeedsAction, @case.HandledReason, @case.ConsentFromCase);
    }

    private static readonly string[] StopStates = [nameof(CaseState.ConsentRefused), nameof(CaseState.ConsentWithdrawn), nameof(CaseState.ConsentExpired)];

    /// <summary>The "kræver handling" list: cases that consent stopped and no person closed, oldest first; <paramref name="mailboxes"/> empty = every mailbox.</summary>
    public async Task<IReadOnlyList<NeedsActionItem>> NeedsActionAsync(IReadOnlyCollection<string> mailboxes, CancellationToken cancellationToken)
    {
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<CaseRow>(
            "SELECT * FROM cases WHERE state IN @StopStates AND handled_at IS NULL" + (mailboxes.Count > 0 ? " AND mailbox_gln IN @mailboxes" : "") + " ORDER BY opened_at",
            new { StopStates, mailboxes });
        return rows.Select(r => new NeedsActionItem(Guid.Parse(r.Id), r.MailboxGln, r.ChildName, Enum.Parse<CaseState>(r.State),
            DateTimeOffset.FromUnixTimeMilliseconds(r.OpenedAt), r.ClosedAt is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : null)).ToList();
    }

    /// <summary>How many cases are on the "kræver handling" list (the start page shows the number, no names).</summary>
    public async Task<int> NeedsActionCountAsync(IReadOnlyCollection<string> mailboxes, CancellationToken cancellationToken)
    {
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM cases WHERE state IN @StopStates AND handled_at IS NULL" + (mailboxes.Count > 0 ? " AND mailbox_gln IN @mailboxes" : ""),
            new { StopStates, mailboxes });
    }

    /// <summary>Every case on the agenda of a meeting at or after <paramref name="from"/>, by meeting.</summary>
    public async Task<IReadOnlyList<AgendaItem>> AgendaAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        // A meeting that started up to 12 hours ago is still "current": the committee records decisions after it.
        var since = from.AddHours(-12).ToUnixTimeMilliseconds();
        var rows = await connection.QueryAsync<CaseRow>(
            "SELECT * FROM cases WHERE state = @state AND meeting_at >= @since ORDER BY meeting_at, opened_at",
            new { state = nameof(CaseState.OnAgenda), since });
        return rows.Select(row =>
        {
            var @case = ReferralCase.Restore(CaseStore.Deserialize(row.Snapshot), options.Value.ConsentPolicy());
            var placement = @case.Agenda!;
            return new AgendaItem(Guid.Parse(row.Id), row.ChildName, row.GpName, placement.Meeting, placement.LatestAllowed, placement.WithinDeadline, Guid.Parse(row.ReferralMessageId), row.MailboxGln, row.ChildCpr);
        }).ToList();
    }

    private static CaseSummary Summary(CaseRow row) => new(
        Guid.Parse(row.Id), row.MailboxGln, row.ChildName, Enum.Parse<CaseState>(row.State), DateTimeOffset.FromUnixTimeMilliseconds(row.OpenedAt),
        DateTimeOffset.FromUnixTimeMilliseconds(row.ConsentDeadline), row.MeetingAt is { } m ? DateTimeOffset.FromUnixTimeMilliseconds(m) : null, row.Flagged);

    private sealed class LetterRow
    {
        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string PartyId { get; set; } = "";
        public string RecipientName { get; set; } = "";
        public string Title { get; set; } = "";
        public string Status { get; set; } = "";
        public string? ErrorCode { get; set; }
        public long Attempts { get; set; }
        public long CreatedAt { get; set; }
        public long? StatusAt { get; set; }
    }
}
