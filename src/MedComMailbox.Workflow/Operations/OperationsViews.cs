namespace MedComMailbox.Workflow.Operations;

// What the operations page and the start page's daily summary show. No names and no CPR numbers: only ids, location
// numbers, codes and counts, so the operations page needs no audit entry.

/// <summary>A Digital Post letter that failed for good: the recipient's role, never the person.</summary>
public sealed record FailedLetter(
    Guid Id,
    Guid CaseId,
    string MailboxGln,
    string Kind,
    string PartyRole,
    string? StatusCode,
    string? ErrorCode,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FailedAt);

/// <summary>One finding that made us reject a message: our stable code and MedCom's Danish text for it.</summary>
public sealed record RejectionReason(string Code, string Text);

/// <summary>A received message we rejected (negative acknowledgement sent), still stored with its raw bytes.</summary>
public sealed record RejectedMessage(
    Guid Id,
    DateTimeOffset ReceivedAt,
    string Kind,
    string Channel,
    string? SourceName,
    string? SenderGln,
    string? SenderSor,
    string? ReceiverGln,
    IReadOnlyList<RejectionReason> Reasons);

/// <summary>A message we sent that has no good acknowledgement: overdue, flagged after the last resend, or refused.</summary>
public sealed record UnacknowledgedMessage(
    Guid Id,
    string Kind,
    string Status,
    string? MailboxGln,
    string? ReceiverGln,
    int SendAttempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSentAt,
    string? AckCode);

/// <summary>The queues behind the scenes: the outbox (bus events, envelopes to the VANS provider), deadlines and letters.</summary>
/// <param name="OutboxPending">Rows not yet dispatched.</param>
/// <param name="OutboxOldestPendingAge">How long the oldest of them has waited; null when none wait.</param>
/// <param name="OutboxRetrying">Pending rows that failed at least once.</param>
/// <param name="DeadlinesOverdue">Deadline rows due but not handled (the sweep is behind or failing).</param>
/// <param name="DeadlinesOldestOverdueAge">How long the oldest of them has been due.</param>
/// <param name="DeadlinesRetrying">Due rows that failed at least once.</param>
/// <param name="LettersWaiting">Digital Post letters not yet accepted (pending or sending).</param>
public sealed record QueueStatus(
    int OutboxPending,
    TimeSpan? OutboxOldestPendingAge,
    int OutboxRetrying,
    int DeadlinesOverdue,
    TimeSpan? DeadlinesOldestOverdueAge,
    int DeadlinesRetrying,
    int LettersWaiting);

/// <summary>Everything the operations page lists.</summary>
public sealed record OperationsOverview(
    IReadOnlyList<FailedLetter> FailedLetters,
    IReadOnlyList<RejectedMessage> RejectedMessages,
    IReadOnlyList<UnacknowledgedMessage> Unacknowledged,
    QueueStatus Queues,
    TimeSpan AcknowledgementTimeout);

/// <summary>One configured mailbox's message counts (administration).</summary>
public sealed record MailboxCount(string MailboxGln, long Received, long Sent, long Unhandled);

/// <summary>One mailbox's inbox on the start page.</summary>
public sealed record InboxCount(string MailboxGln, int New, int Unhandled);

/// <summary>The start page's summary of the day, within the user's mailboxes.</summary>
/// <param name="ConsentOverdue">Open cases awaiting consent whose deadline has passed (the sweep acts on them).</param>
/// <param name="ConsentDueSoon">Open cases awaiting consent whose deadline falls within the next two days.</param>
public sealed record DailySummary(
    IReadOnlyList<InboxCount> Inbox,
    int ConsentOverdue,
    int ConsentDueSoon,
    int LettersFailed,
    int RejectedLastDay,
    DateTimeOffset? NextMeeting,
    int NextMeetingCases);
