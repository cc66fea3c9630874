using Dapper;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.OioXml;

namespace MedComMailbox.Workflow.Inbox;

/// <summary>
/// Reads for one message's page: the message with its inbox item, case and thread, and the bytes of an attachment; each
/// result carries its mailbox for the page's check (the list queries are <see cref="InboxQueries"/>).
/// </summary>
public sealed class MessageDetailQueries(MailboxDatabase database, StoredMessageReader reader)
{
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

        var item = await connection.QuerySingleOrDefaultAsync<InboxQueries.ItemRow>(new CommandDefinition(
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
}
