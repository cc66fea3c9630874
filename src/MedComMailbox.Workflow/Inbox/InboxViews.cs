using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.OioXml;

namespace MedComMailbox.Workflow.Inbox;

/// <summary>Which items the list shows: unread, not yet handled, or everything.</summary>
public enum InboxView
{
    New,
    Unhandled,
    All,
}

/// <summary>
/// The inbox list's filters. <see cref="Search"/> is a CPR number or a name (personal data: it arrives by POST and is
/// never put in a URL); the other filters carry no personal data and live in the query string.
/// </summary>
public sealed record InboxFilter(
    InboxView View = InboxView.Unhandled,
    string? Mailbox = null,
    string? Kind = null,
    string? State = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? AssignedTo = null,
    string? Search = null,
    InboxCursor? After = null,
    int PageSize = 50);

/// <summary>Keyset paging: the last row of the previous page (received time and item id), so page 2,000 costs what page 1 costs.</summary>
public sealed record InboxCursor(long ReceivedAt, string ItemId)
{
    public override string ToString() => $"{ReceivedAt}_{ItemId}";

    public static InboxCursor? Parse(string? text)
    {
        var parts = (text ?? "").Split('_', 2);
        return parts.Length == 2 && long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var at) && Guid.TryParse(parts[1], out var id)
            ? new InboxCursor(at, id.ToString())
            : null;
    }
}

/// <summary>One row of the inbox list. Personal data: PatientCpr, PatientName.</summary>
public sealed record InboxRow(
    Guid ItemId,
    Guid MessageId,
    string MailboxGln,
    string Kind,
    DateTimeOffset ReceivedAt,
    string? SenderName,
    string? SenderGln,
    string? PatientCpr,
    string? PatientName,
    string? Subject,
    string State,
    string? AssignedTo,
    Guid? CaseId);

public sealed record InboxPage(IReadOnlyList<InboxRow> Rows, InboxCursor? Next);

/// <summary>Unread and unhandled counts per mailbox the user may see.</summary>
public sealed record InboxCounts(IReadOnlyDictionary<string, long> NewByMailbox, IReadOnlyDictionary<string, long> UnhandledByMailbox)
{
    public long New => NewByMailbox.Values.Sum();

    public long Unhandled => UnhandledByMailbox.Values.Sum();
}

/// <summary>One message of a thread, read back from its stored bytes, with only the segments it added.</summary>
public sealed record ThreadMessage(
    Guid MessageId,
    string Direction,
    string Kind,
    string Status,
    DateTimeOffset At,
    string? SenderName,
    string? SenderGln,
    string? ReceiverGln,
    string? Activity,
    string? AckCode,
    DateTimeOffset? AckAt,
    IReadOnlyList<ThreadSegment> Segments,
    OioXmlLetter? Letter)
{
    /// <summary>The earlier message of the thread this one answers (Provenance revision), when it is in the thread.</summary>
    public ThreadMessage? Answers { get; init; }

    /// <summary>Who it went to (our outbound messages): the receiver's name from the message, else its location number.</summary>
    public string? ReceiverName { get; init; }

    /// <summary>Findings that did not reject the message (receiver-endpoint-differs, profile warnings …), in Danish.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>A payload segment as the message view shows it; <see cref="AttachmentIndex"/> names the download when the bytes are in the message.</summary>
public sealed record ThreadSegment(PayloadSegment Segment, int? AttachmentIndex);

/// <summary>The message view: the message, its inbox item, its thread in order, its case. Personal data.</summary>
public sealed record MessageDetail(
    Guid MessageId,
    Guid? ItemId,
    string MailboxGln,
    string Direction,
    string Kind,
    string Status,
    DateTimeOffset ReceivedAt,
    string? SenderName,
    string? SenderGln,
    string? SenderSor,
    string? PatientCpr,
    string? PatientName,
    string? Category,
    string? Topic,
    string? Priority,
    string? AckCode,
    string? ErrorCodes,
    string? ItemState,
    string? AssignedTo,
    string? HandledBy,
    DateTimeOffset? HandledAt,
    Guid? CaseId,
    bool CanReply,
    IReadOnlyList<ThreadMessage> Thread)
{
    /// <summary>The receiver's name (a sent message shows it under "Til").</summary>
    public string? ReceiverName { get; init; }

    public string? ReceiverGln { get; init; }

    /// <summary>The episodeOfCare identifier (CareCommunication) or the letter's EpisodeOfCareIdentifier (OIOXML).</summary>
    public string? EpisodeOfCare { get; init; }

    /// <summary>The patient is identified by a replacement CPR (erstatnings-CPR), not a CPR number.</summary>
    public bool IsReplacementCpr { get; init; }

    /// <summary>The OIOXML letter's own date and time (Letter/Authorisation, else the envelope's sent time).</summary>
    public DateTimeOffset? LetterTime { get; init; }

    /// <summary>A message we sent: how many times it went out (the first send and each resend without an acknowledgement).</summary>
    public int SendAttempts { get; init; }

    /// <summary>A message we sent: when it last went out.</summary>
    public DateTimeOffset? LastSentAt { get; init; }
}

/// <summary>An attachment's bytes for download.</summary>
public sealed record AttachmentContent(string FileName, string ContentType, byte[] Data, string MailboxGln, string? PatientCpr);
