using Dapper;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.OioXml;

namespace MedComMailbox.Workflow.Inbox;

/// <summary>
/// Reads for the inbox pages. Every query takes the set of mailboxes the user may see (empty = every mailbox) and filters
/// in SQL, so a limited user never receives a row of another mailbox.
/// </summary>
public sealed class InboxQueries(MailboxDatabase database, StoredMessageReader reader)
{
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");

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

    /// <summary>The message with its inbox item, case and thread; null when it does not exist.</summary>
    public async Task<MessageDetail?> GetMessageAsync(Guid messageId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var message = await connection.QuerySingleOrDefaultAsync<MessageRecord>(
            new CommandDefinition("SELECT * FROM messages WHERE id = @id", new { id = messageId.ToString() }, cancellationToken: cancellationToken));
        if (message is null)
        {
            return null;
        }

        var item = await connection.QuerySingleOrDefaultAsync<ItemRow>(new CommandDefinition(
            "SELECT id, message_id, mailbox_gln, kind, received_at, sender_name, sender_gln, patient_cpr, patient_name, subject, state, assigned_to, case_id, handled_by, handled_at FROM inbox_items WHERE message_id = @id",
            new { id = message.Id }, cancellationToken: cancellationToken));
        var caseId = item?.CaseId ?? await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
            "SELECT case_id FROM case_messages WHERE message_id = @id", new { id = message.Id }, cancellationToken: cancellationToken));
        var threadRows = message.ThreadId is null
            ? [message]
            : (await connection.QueryAsync<MessageRecord>(new CommandDefinition(
                database.Dialect.Limit(
                    "SELECT * FROM messages WHERE thread_id = @thread AND kind IN ('CareCommunication', 'OioXmlLetter') AND NOT (direction = 'in' AND status = 'rejected') ORDER BY received_at, id",
                    200),
                new { thread = message.ThreadId }, cancellationToken: cancellationToken))).ToList();
        if (threadRows.All(r => r.Id != message.Id))
        {
            threadRows.Add(message);
        }

        var reads = new Dictionary<string, InboundReadResult>(StringComparer.Ordinal);
        var thread = Thread(threadRows, reads);
        var read = reads[message.Id];
        var patientName = item?.PatientName ?? (read.Parsed as MedComFhirMessage)?.Patient?.DisplayName ?? PatientName(read.Parsed as OioXmlLetter);
        var fhir = read.Parsed as MedComFhirMessage;
        var oio = read.Parsed as OioXmlLetter;
        return new MessageDetail(
            messageId,
            item is null ? null : Guid.Parse(item.Id),
            message.MailboxGln ?? message.ReceiverGln ?? "",
            message.Direction,
            message.Kind,
            message.Status,
            DateTimeOffset.FromUnixTimeMilliseconds(message.ReceivedAt),
            item?.SenderName ?? read.Summary.SenderName,
            message.SenderGln,
            message.SenderSor,
            message.PatientCpr,
            patientName,
            message.Category,
            message.Topic,
            message.Priority,
            message.AckCode,
            message.ErrorCodes,
            item?.State,
            item?.AssignedTo,
            item?.HandledBy,
            item?.HandledAt is { } handled ? DateTimeOffset.FromUnixTimeMilliseconds(handled) : null,
            Guid.TryParse(caseId, out var parsedCase) ? parsedCase : null,
            CanReply(message),
            thread)
        {
            ReceiverName = fhir?.Receiver?.Name ?? oio?.Receiver.OrganisationName,
            ReceiverGln = message.ReceiverGln,
            EpisodeOfCare = fhir?.CareCommunication?.EpisodeOfCareIdentifier ?? oio?.Letter.EpisodeOfCareIdentifier,
            IsReplacementCpr = fhir?.Patient?.IsReplacementCpr == true,
            LetterTime = oio is null ? null : oio.Letter.Authorisation ?? oio.Envelope.Sent,
            SendAttempts = message.SendAttempts,
            LastSentAt = message.LastSentAt is { } last ? DateTimeOffset.FromUnixTimeMilliseconds(last) : null,
        };
    }

    /// <summary>The bytes of attachment <paramref name="index"/> (a payload segment index) of a stored CareCommunication.</summary>
    public async Task<AttachmentContent?> GetAttachmentAsync(Guid messageId, int index, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var message = await connection.QuerySingleOrDefaultAsync<MessageRecord>(
            new CommandDefinition("SELECT * FROM messages WHERE id = @id", new { id = messageId.ToString() }, cancellationToken: cancellationToken));
        if (message is null || reader.Read(message.Raw, message.ContentType).Parsed is not MedComFhirMessage { CareCommunication: { } content }
            || index < 0 || index >= content.Segments.Count || content.Segments[index].Attachment is not { Data: { Length: > 0 } data } attachment)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            return null;
        }

        var contentType = string.IsNullOrWhiteSpace(attachment.ContentType) ? "application/octet-stream" : attachment.ContentType;
        return new AttachmentContent(FileName(attachment.Title, contentType, index), contentType, bytes, message.MailboxGln ?? message.ReceiverGln ?? "", message.PatientCpr);
    }

    /// <summary>The thread in order; each message is read once, and what was read is left in <paramref name="reads"/> for the caller.</summary>
    private List<ThreadMessage> Thread(IEnumerable<MessageRecord> rows, Dictionary<string, InboundReadResult> reads)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var thread = new List<ThreadMessage>();
        foreach (var row in rows.OrderBy(r => r.ReceivedAt).ThenBy(r => r.Id, StringComparer.Ordinal))
        {
            var read = reader.Read(row.Raw, row.ContentType);
            reads[row.Id] = read;
            var segments = new List<ThreadSegment>();
            OioXmlLetter? letter = null;
            string? senderName = read.Summary.SenderName;
            switch (read.Parsed)
            {
                case MedComFhirMessage { CareCommunication: { } content }:
                    for (var i = 0; i < content.Segments.Count; i++)
                    {
                        var segment = content.Segments[i];
                        // A reply repeats the earlier segments: show each once, under the message that added it.
                        if (segment.Identifier is not null && !seen.Add(segment.Identifier))
                        {
                            continue;
                        }

                        segments.Add(new ThreadSegment(segment, segment.Attachment is { Data.Length: > 0 } ? i : null));
                    }

                    break;
                case OioXmlLetter oio:
                    letter = oio;
                    senderName ??= oio.Sender.OrganisationName;
                    break;
            }

            var answers = row.ParentId is { } parent ? thread.FirstOrDefault(t => t.MessageId.ToString() == parent) : null;
            thread.Add(new ThreadMessage(
                Guid.Parse(row.Id), row.Direction, row.Kind, row.Status, DateTimeOffset.FromUnixTimeMilliseconds(row.ReceivedAt), senderName,
                row.SenderGln, row.ReceiverGln, row.Activity, row.AckCode,
                row.AckReceivedAt is { } ackAt ? DateTimeOffset.FromUnixTimeMilliseconds(ackAt) : null, segments, letter)
            {
                Answers = answers,
                ReceiverName = read.Summary.ReceiverName ?? letter?.Receiver.OrganisationName,
                Warnings = read.Issues.Where(i => i.Severity == MedComIssueSeverity.Warning).Select(i => i.TextDa).Distinct().ToList(),
            });
        }

        return thread;
    }

    private static bool CanReply(MessageRecord message) =>
        message.Direction == MessageDirection.In && message.Status == MessageStatus.Accepted && message.SenderGln is not null
        && message.Kind is nameof(MedComMessageKind.CareCommunication) or nameof(MedComMessageKind.OioXmlLetter);

    private static string? PatientName(OioXmlLetter? letter) =>
        letter?.Patient is { } p && string.Join(' ', new[] { p.GivenName, p.SurnameName }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } name ? name : null;

    private static string FileName(string? title, string contentType, int index)
    {
        var extension = contentType switch
        {
            "application/pdf" => ".pdf",
            "image/jpeg" => ".jpg",
            "image/png" => ".png",
            "image/tiff" => ".tiff",
            "image/gif" => ".gif",
            "text/plain" => ".txt",
            _ => "",
        };
        var name = new string((title ?? $"bilag-{index + 1}").Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ' or '.' ? c : '_').ToArray()).Trim();
        if (name.Length == 0)
        {
            name = $"bilag-{index + 1}";
        }

        return name.EndsWith(extension, StringComparison.OrdinalIgnoreCase) ? name : name + extension;
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

    private sealed class ItemRow
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
