using Dapper;
using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Vans;
using MedComMailbox.MedCom;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Operations;

/// <summary>
/// The read side of the operations page (what failed, what was rejected, what waits for an acknowledgement, how the
/// queues stand) and of the start page's daily summary. Every list is limited to the user's mailboxes; a rejected
/// message whose receiver we did not know belongs to no mailbox and is shown to every operator.
/// </summary>
public sealed class OperationsQueries(
    MailboxDatabase database,
    IOptions<VansOptions> vans,
    IOptions<WorkflowOptions> workflow,
    IOptions<MailboxOptions> mailbox,
    TimeProvider time)
{
    /// <summary>How many rows each list shows at most (newest first); the operator works from the top.</summary>
    public const int ListLimit = 200;

    public async Task<OperationsOverview> OverviewAsync(IReadOnlyCollection<string> mailboxes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var timeout = vans.Value.AcknowledgementTimeout;
        var limited = mailboxes.Count > 0;
        var dialect = database.Dialect;
        await using var connection = await database.OpenAsync(cancellationToken);

        var letters = (await connection.QueryAsync<LetterRow>(
            dialect.Limit(
                """
                SELECT l.id, l.case_id, c.mailbox_gln, l.kind, l.party_role, l.status_code, l.error_code, l.attempts, l.created_at, l.status_at
                FROM letters l JOIN cases c ON c.id = l.case_id
                WHERE l.status = 'failed'
                """ + (limited ? " AND c.mailbox_gln IN @mailboxes" : "") + " ORDER BY l.created_at DESC",
                ListLimit),
            new { mailboxes }))
            .Select(l => new FailedLetter(Guid.Parse(l.Id), Guid.Parse(l.CaseId), l.MailboxGln, l.Kind, l.PartyRole, l.StatusCode, l.ErrorCode, (int)l.Attempts,
                At(l.CreatedAt), l.StatusAt is { } s ? At(s) : null))
            .ToList();

        var rejected = (await connection.QueryAsync<RejectedRow>(
            dialect.Limit(
                """
                SELECT id, received_at, kind, channel, source_name, sender_gln, sender_sor, receiver_gln, error_codes
                FROM messages
                WHERE direction = 'in' AND status = 'rejected'
                """ + (limited ? " AND (mailbox_gln IS NULL OR mailbox_gln IN @mailboxes)" : "") + " ORDER BY received_at DESC",
                ListLimit),
            new { mailboxes }))
            .Select(m => new RejectedMessage(Guid.Parse(m.Id), At(m.ReceivedAt), m.Kind, m.Channel, m.SourceName, m.SenderGln, m.SenderSor, m.ReceiverGln, Reasons(m.ErrorCodes)))
            .ToList();

        var unacknowledged = (await connection.QueryAsync<OutboundRow>(
            dialect.Limit(
                """
                SELECT id, kind, status, mailbox_gln, receiver_gln, send_attempts, received_at, last_sent_at, ack_code
                FROM messages
                WHERE direction = 'out' AND (status IN ('flagged', 'failed') OR (status = 'sent' AND last_sent_at <= @cutoff))
                """ + (limited ? " AND mailbox_gln IN @mailboxes" : "") + " ORDER BY received_at DESC",
                ListLimit),
            new { mailboxes, cutoff = now.Subtract(timeout).ToUnixTimeMilliseconds() }))
            .Select(m => new UnacknowledgedMessage(Guid.Parse(m.Id), m.Kind, m.Status, m.MailboxGln, m.ReceiverGln, (int)m.SendAttempts, At(m.ReceivedAt),
                m.LastSentAt is { } s ? At(s) : null, m.AckCode))
            .ToList();

        var outbox = await connection.QuerySingleAsync<(long Pending, long? Oldest, long Retrying)>(
            "SELECT COUNT(*), MIN(created_at), SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) FROM outbox WHERE dispatched_at IS NULL");
        var deadlines = await connection.QuerySingleAsync<(long Overdue, long? Oldest, long Retrying)>(
            "SELECT COUNT(*), MIN(due_at), SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) FROM deadlines WHERE done_at IS NULL AND due_at <= @nowMs",
            new { nowMs });
        var lettersWaiting = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM letters WHERE status IN ('pending', 'sending')");
        var queues = new QueueStatus(
            (int)outbox.Pending, outbox.Oldest is { } o ? now - At(o) : null, (int)outbox.Retrying,
            (int)deadlines.Overdue, deadlines.Oldest is { } d ? now - At(d) : null, (int)deadlines.Retrying, (int)lettersWaiting);
        return new OperationsOverview(letters, rejected, unacknowledged, queues, timeout);
    }

    /// <summary>The mailbox of a failed letter's case, or null when there is no such failed letter.</summary>
    public async Task<string?> FailedLetterMailboxAsync(Guid letterId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT c.mailbox_gln FROM letters l JOIN cases c ON c.id = l.case_id WHERE l.id = @id AND l.status = 'failed'", new { id = letterId.ToString() });
    }

    /// <summary>Whether a message with this id, direction and one of these statuses exists, and its mailbox (null: none).</summary>
    public async Task<(bool Found, string? MailboxGln)> MessageMailboxAsync(Guid messageId, string direction, IReadOnlyCollection<string> statuses, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(string Id, string? MailboxGln)?>(
            "SELECT id, mailbox_gln FROM messages WHERE id = @id AND direction = @direction AND status IN @statuses",
            new { id = messageId.ToString(), direction, statuses });
        return row is { } r ? (true, r.MailboxGln) : (false, null);
    }

    /// <summary>Per configured mailbox: messages received and sent, inbox items not yet done (the administration's list).</summary>
    public async Task<IReadOnlyList<MailboxCount>> MailboxCountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var messages = (await connection.QueryAsync<(string Gln, string Direction, long Count)>(
            "SELECT mailbox_gln, direction, CAST(COUNT(*) AS BIGINT) FROM messages WHERE mailbox_gln IS NOT NULL GROUP BY mailbox_gln, direction")).ToList();
        var unhandled = (await connection.QueryAsync<(string Gln, long Count)>(
            "SELECT mailbox_gln, CAST(COUNT(*) AS BIGINT) FROM inbox_items WHERE state <> 'done' GROUP BY mailbox_gln")).ToDictionary(r => r.Gln, r => r.Count, StringComparer.Ordinal);
        return mailbox.Value.Mailboxes.Select(m => new MailboxCount(
            m.Gln,
            messages.Where(r => r.Gln == m.Gln && r.Direction == "in").Sum(r => r.Count),
            messages.Where(r => r.Gln == m.Gln && r.Direction == "out").Sum(r => r.Count),
            unhandled.GetValueOrDefault(m.Gln))).ToList();
    }

    /// <summary>The start page's counts of the day, within <paramref name="mailboxes"/> (empty = every mailbox).</summary>
    public async Task<DailySummary> DailySummaryAsync(IReadOnlyCollection<string> mailboxes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var limited = mailboxes.Count > 0;
        await using var connection = await database.OpenAsync(cancellationToken);

        var counts = (await connection.QueryAsync<(string MailboxGln, string State, long Count)>(
            "SELECT mailbox_gln, state, COUNT(*) FROM inbox_items WHERE state IN ('new', 'read')" + (limited ? " AND mailbox_gln IN @mailboxes" : "") + " GROUP BY mailbox_gln, state",
            new { mailboxes })).AsList();
        var shown = mailbox.Value.Mailboxes.Select(m => m.Gln).Where(g => !limited || mailboxes.Contains(g))
            .Concat(counts.Select(c => c.MailboxGln)).Distinct(StringComparer.Ordinal);
        var inbox = shown.Select(gln => new InboxCount(
            gln,
            (int)counts.Where(c => c.MailboxGln == gln && c.State == "new").Sum(c => c.Count),
            (int)counts.Where(c => c.MailboxGln == gln).Sum(c => c.Count))).ToList();

        var caseFilter = limited ? " AND mailbox_gln IN @mailboxes" : "";
        var consent = await connection.QuerySingleAsync<(long? Overdue, long? DueSoon)>(
            """
            SELECT SUM(CASE WHEN consent_deadline < @nowMs THEN 1 ELSE 0 END), SUM(CASE WHEN consent_deadline >= @nowMs THEN 1 ELSE 0 END)
            FROM cases WHERE state = @awaiting AND consent_deadline <= @soon
            """ + caseFilter,
            new { nowMs, soon = now.AddDays(2).ToUnixTimeMilliseconds(), awaiting = nameof(CaseState.AwaitingConsent), mailboxes });
        var lettersFailed = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM letters l JOIN cases c ON c.id = l.case_id WHERE l.status = 'failed'" + (limited ? " AND c.mailbox_gln IN @mailboxes" : ""),
            new { mailboxes });
        var rejected = await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'rejected' AND received_at >= @since" +
            (limited ? " AND (mailbox_gln IS NULL OR mailbox_gln IN @mailboxes)" : ""),
            new { since = now.AddDays(-1).ToUnixTimeMilliseconds(), mailboxes });

        // The next meeting is the first one that has not started: the scheduled one, or an earlier meeting a case is on
        // (placed before the schedule changed). Its count is the cases on that meeting's agenda, exactly.
        var o = workflow.Value;
        var schedule = o.Schedule();
        var planner = new AgendaPlanner(schedule, o.Calendar());
        DateTimeOffset? scheduled = planner.MeetingsFrom(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, schedule.TimeZone).DateTime))
            .Where(m => m > now).Select(m => (DateTimeOffset?)m).FirstOrDefault();
        var earliestPlaced = await connection.ExecuteScalarAsync<long?>(
            "SELECT MIN(meeting_at) FROM cases WHERE state = @onAgenda AND meeting_at > @nowMs" + caseFilter,
            new { onAgenda = nameof(CaseState.OnAgenda), nowMs, mailboxes });
        var next = earliestPlaced is { } placed && (scheduled is null || placed < scheduled.Value.ToUnixTimeMilliseconds()) ? At(placed) : scheduled;
        var onAgenda = next is { } meeting
            ? await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM cases WHERE state = @onAgenda AND meeting_at = @at" + caseFilter,
                new { onAgenda = nameof(CaseState.OnAgenda), at = meeting.ToUnixTimeMilliseconds(), mailboxes })
            : 0;

        return new DailySummary(inbox, (int)(consent.Overdue ?? 0), (int)(consent.DueSoon ?? 0), (int)lettersFailed, (int)rejected, next, (int)onAgenda);
    }

    /// <summary>The stored rule codes with MedCom's Danish text; a code the catalogue no longer has keeps its code.</summary>
    public static IReadOnlyList<RejectionReason> Reasons(string? errorCodes) =>
        (errorCodes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(code => new RejectionReason(code, MedComErrors.Find(code)?.TextDa ?? "Ukendt fejlkode"))
            .ToList();

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private sealed class LetterRow
    {
        public string Id { get; set; } = "";
        public string CaseId { get; set; } = "";
        public string MailboxGln { get; set; } = "";
        public string Kind { get; set; } = "";
        public string PartyRole { get; set; } = "";
        public string? StatusCode { get; set; }
        public string? ErrorCode { get; set; }
        public long Attempts { get; set; }
        public long CreatedAt { get; set; }
        public long? StatusAt { get; set; }
    }

    private sealed class RejectedRow
    {
        public string Id { get; set; } = "";
        public long ReceivedAt { get; set; }
        public string Kind { get; set; } = "";
        public string Channel { get; set; } = "";
        public string? SourceName { get; set; }
        public string? SenderGln { get; set; }
        public string? SenderSor { get; set; }
        public string? ReceiverGln { get; set; }
        public string? ErrorCodes { get; set; }
    }

    private sealed class OutboundRow
    {
        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Status { get; set; } = "";
        public string? MailboxGln { get; set; }
        public string? ReceiverGln { get; set; }
        public long SendAttempts { get; set; }
        public long ReceivedAt { get; set; }
        public long? LastSentAt { get; set; }
        public string? AckCode { get; set; }
    }
}
