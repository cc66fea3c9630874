namespace MedComMailbox.Workflow.Inbox;

// What the acknowledgement overview shows (MedCom's acknowledgement test protocol, display step). No names and no CPR
// numbers: our ids, MedCom's message ids, location numbers, codes and times.

/// <summary>Which side of the exchange the overview lists.</summary>
public enum AcknowledgementSide
{
    /// <summary>The acknowledgements we sent: one per message we received and answered.</summary>
    Sent,

    /// <summary>The acknowledgements we received: one row per message we sent, with its answer or still waiting.</summary>
    Received,
}

/// <summary>
/// The overview's filters. <see cref="Code"/> is <c>ok</c> (an OIOXML positive receipt counts), <c>transient-error</c>,
/// <c>fatal-error</c> (a negative receipt counts), or null for every code; <see cref="Waiting"/> (received side only)
/// lists the messages we sent that have no settling acknowledgement yet.
/// </summary>
public sealed record AcknowledgementFilter(
    AcknowledgementSide Side = AcknowledgementSide.Sent,
    string? Code = null,
    bool Waiting = false,
    string? Mailbox = null,
    InboxCursor? After = null,
    int PageSize = 50);

/// <summary>An acknowledgement we sent: the message it answers, to whom, with which code, when (we answer as the message is stored).</summary>
/// <param name="MessageId">Our id of the received message (the link).</param>
/// <param name="MedComMessageId">The received message's MessageHeader.id (OIOXML: the letter id).</param>
/// <param name="AcknowledgementId">The MessageHeader.id of our acknowledgement.</param>
/// <param name="DuplicateCount">How many times the message came again and was answered again with the same acknowledgement.</param>
public sealed record SentAcknowledgement(
    Guid MessageId,
    string Kind,
    string Status,
    string? MailboxGln,
    string? ToGln,
    string? ToSor,
    string? MedComMessageId,
    string Code,
    string? AcknowledgementId,
    DateTimeOffset At,
    int DuplicateCount);

/// <summary>A message we sent and the acknowledgement it got, or that it still waits for one.</summary>
/// <param name="MessageId">Our id of the sent message (the link).</param>
/// <param name="Code">The code received; null while none has come.</param>
/// <param name="AcknowledgementMessageId">Our id of the stored acknowledgement, when it is stored.</param>
/// <param name="Waiting">No settling acknowledgement yet (none, or only transient-error): sent or flagged after the last resend.</param>
/// <param name="Earlier">The acknowledgements received for it before the one shown (e.g. a transient-error before ok), oldest first.</param>
public sealed record ReceivedAcknowledgement(
    Guid MessageId,
    string Kind,
    string Status,
    string? MailboxGln,
    string? FromGln,
    string? FromSor,
    string? MedComMessageId,
    DateTimeOffset SentAt,
    int SendAttempts,
    DateTimeOffset? LastSentAt,
    string? Code,
    DateTimeOffset? ReceivedAt,
    Guid? AcknowledgementMessageId,
    bool Waiting,
    IReadOnlyList<EarlierAcknowledgement> Earlier)
{
    /// <summary>How often it was sent again without an acknowledgement.</summary>
    public int Resends => Math.Max(0, SendAttempts - 1);
}

/// <summary>An acknowledgement received for a message we sent before its latest one.</summary>
/// <param name="MessageId">Our id of the stored acknowledgement (the link).</param>
/// <param name="Code">The code it carried; null for an acknowledgement stored before the mailbox kept it (schema 0018).</param>
public sealed record EarlierAcknowledgement(Guid MessageId, string? Code, DateTimeOffset At);

/// <summary>One page of the overview; <see cref="Next"/> continues after its last row.</summary>
public sealed record AcknowledgementPage(
    IReadOnlyList<SentAcknowledgement> Sent,
    IReadOnlyList<ReceivedAcknowledgement> Received,
    InboxCursor? Next);
