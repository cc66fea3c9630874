using Dapper;
using MedComMailbox.Infrastructure.Storage;

namespace MedComMailbox.Workflow.Inbox;

/// <summary>
/// The acknowledgement overview (MedCom's acknowledgement test protocol, display step): what we answered to each message
/// we received, and what each message we sent was answered with, or that it still waits. Newest first, keyset paged on
/// the message's own time (received, or created for what we sent), limited in SQL to the user's mailboxes as the inbox is
/// (empty = every mailbox; a limited user does not see a rejected message that belongs to no mailbox).
/// </summary>
public sealed class AcknowledgementQueries(MailboxDatabase database)
{
    /// <summary>The codes a filter value stands for: an OIOXML receipt is positive or negative.</summary>
    public static IReadOnlyList<string>? Codes(string? code) => code switch
    {
        "ok" => ["ok", "positive"],
        "transient-error" => ["transient-error"],
        "fatal-error" => ["fatal-error", "negative"],
        _ => null,
    };

    public async Task<AcknowledgementPage> ListAsync(AcknowledgementFilter filter, IReadOnlySet<string> allowedMailboxes, CancellationToken cancellationToken)
    {
        var pageSize = Math.Clamp(filter.PageSize, 1, 500);
        var where = new List<string>();
        var parameters = new DynamicParameters();
        if (allowedMailboxes.Count > 0)
        {
            where.Add("m.mailbox_gln IN @allowed");
            parameters.Add("allowed", allowedMailboxes.ToArray());
        }

        if (!string.IsNullOrWhiteSpace(filter.Mailbox))
        {
            where.Add("m.mailbox_gln = @mailbox");
            parameters.Add("mailbox", filter.Mailbox.Trim());
        }

        if (Codes(filter.Code) is { } codes)
        {
            where.Add("m.ack_code IN @codes");
            parameters.Add("codes", codes.ToArray());
        }

        // The keyset always bounds received_at, so that the page is read from the (direction, received_at) index
        // newest first and stops after a page; the first page starts above every time.
        where.Add("m.received_at <= @atMost");
        parameters.Add("atMost", filter.After?.ReceivedAt ?? long.MaxValue);
        if (filter.After is { } after)
        {
            where.Add("(m.received_at < @atMost OR m.id < @afterId)");
            parameters.Add("afterId", after.ItemId);
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        if (filter.Side == AcknowledgementSide.Sent)
        {
            // Every received message we answered (accepted with ok, rejected with fatal-error, an OIOXML receipt);
            // acknowledgements themselves are never answered and have no code here.
            where.Insert(0, "m.direction = 'in' AND m.ack_code IS NOT NULL");
            var sql = database.Dialect.Limit(
                $"""
                SELECT m.id, m.kind, m.status, m.mailbox_gln, m.sender_gln, m.sender_sor, m.message_id, m.ack_code, m.ack_message_id, m.received_at, m.duplicate_count
                FROM messages m
                WHERE {string.Join(" AND ", where)}
                ORDER BY m.received_at DESC, m.id DESC
                """,
                pageSize + 1);
            var rows = (await connection.QueryAsync<SentRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
            return new AcknowledgementPage(
                rows.Take(pageSize).Select(r => new SentAcknowledgement(
                    Guid.Parse(r.Id), r.Kind, r.Status, r.MailboxGln, r.SenderGln, r.SenderSor, r.MessageId, r.AckCode, r.AckMessageId, At(r.ReceivedAt), (int)r.DuplicateCount)).ToList(),
                [],
                Next(rows.Count > pageSize ? (rows[pageSize - 1].ReceivedAt, rows[pageSize - 1].Id) : null));
        }
        else
        {
            // What we wrote and expect an answer to; the acknowledgements and receipts we send are not answered.
            where.Insert(0, "m.direction = 'out' AND m.kind IN ('CareCommunication', 'OioXmlLetter')");
            if (filter.Waiting)
            {
                where.Add("m.status IN ('sent', 'flagged')");
            }

            var sql = database.Dialect.Limit(
                $"""
                SELECT m.id, m.kind, m.status, m.mailbox_gln, m.receiver_gln, m.receiver_sor, m.message_id, m.received_at, m.send_attempts, m.last_sent_at,
                       m.ack_code, m.ack_received_at,
                       (SELECT MIN(a.id) FROM messages a WHERE a.message_id = m.ack_message_id AND a.direction = 'in') AS ack_id
                FROM messages m
                WHERE {string.Join(" AND ", where)}
                ORDER BY m.received_at DESC, m.id DESC
                """,
                pageSize + 1);
            var rows = (await connection.QueryAsync<ReceivedRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
            var earlier = await EarlierAsync(connection, rows.Take(pageSize), cancellationToken);
            return new AcknowledgementPage(
                [],
                rows.Take(pageSize).Select(r => new ReceivedAcknowledgement(
                    Guid.Parse(r.Id), r.Kind, r.Status, r.MailboxGln, r.ReceiverGln, r.ReceiverSor, r.MessageId, At(r.ReceivedAt), (int)r.SendAttempts,
                    r.LastSentAt is { } last ? At(last) : null, r.AckCode, r.AckReceivedAt is { } ackAt ? At(ackAt) : null,
                    Guid.TryParse(r.AckId, out var ackId) ? ackId : null,
                    r.Status is MessageStatus.Sent or MessageStatus.Flagged,
                    r.MessageId is { } id && earlier.TryGetValue(id, out var before) ? before.Where(e => e.MessageId.ToString() != r.AckId).ToList() : [])).ToList(),
                Next(rows.Count > pageSize ? (rows[pageSize - 1].ReceivedAt, rows[pageSize - 1].Id) : null));
        }
    }

    /// <summary>
    /// Every acknowledgement stored for the page's messages, by the MedCom id it answers, oldest first: the overview
    /// shows the latest on the row and the ones before it (a transient-error before ok) under it. One statement for
    /// the page, seeking the partial index on <c>acknowledged_message_id</c> (schema 0018, which also keeps each acknowledgement's own code).
    /// </summary>
    private static async Task<Dictionary<string, List<EarlierAcknowledgement>>> EarlierAsync(
        System.Data.Common.DbConnection connection, IEnumerable<ReceivedRow> page, CancellationToken cancellationToken)
    {
        var ids = page.Where(r => r.MessageId is not null).Select(r => r.MessageId!).Distinct(StringComparer.Ordinal).ToArray();
        var answers = new Dictionary<string, List<EarlierAcknowledgement>>(StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return answers;
        }

        var rows = await connection.QueryAsync<AnswerRow>(new CommandDefinition(
            """
            SELECT a.id, a.acknowledged_message_id, a.acknowledgement_code, a.received_at
            FROM messages a
            WHERE a.acknowledged_message_id IN @ids AND a.direction = 'in'
            """,
            new { ids },
            cancellationToken: cancellationToken));
        // Ordered here, not in SQL: an ORDER BY on received_at makes SQLite prefer the (direction, received_at) index
        // and read every received message; the page's acknowledgements are a handful.
        foreach (var row in rows.OrderBy(r => r.ReceivedAt).ThenBy(r => r.Id, StringComparer.Ordinal))
        {
            if (!answers.TryGetValue(row.AcknowledgedMessageId, out var list))
            {
                answers[row.AcknowledgedMessageId] = list = [];
            }

            list.Add(new EarlierAcknowledgement(Guid.Parse(row.Id), row.AcknowledgementCode, At(row.ReceivedAt)));
        }

        return answers;
    }

    private static InboxCursor? Next((long At, string Id)? last) => last is { } l ? new InboxCursor(l.At, l.Id) : null;

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private sealed class SentRow
    {
        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Status { get; set; } = "";
        public string? MailboxGln { get; set; }
        public string? SenderGln { get; set; }
        public string? SenderSor { get; set; }
        public string? MessageId { get; set; }
        public string AckCode { get; set; } = "";
        public string? AckMessageId { get; set; }
        public long ReceivedAt { get; set; }
        public long DuplicateCount { get; set; }
    }

    private sealed class AnswerRow
    {
        public string Id { get; set; } = "";
        public string AcknowledgedMessageId { get; set; } = "";
        public string? AcknowledgementCode { get; set; }
        public long ReceivedAt { get; set; }
    }

    private sealed class ReceivedRow
    {
        public string Id { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Status { get; set; } = "";
        public string? MailboxGln { get; set; }
        public string? ReceiverGln { get; set; }
        public string? ReceiverSor { get; set; }
        public string? MessageId { get; set; }
        public long ReceivedAt { get; set; }
        public long SendAttempts { get; set; }
        public long? LastSentAt { get; set; }
        public string? AckCode { get; set; }
        public long? AckReceivedAt { get; set; }
        public string? AckId { get; set; }
    }
}
