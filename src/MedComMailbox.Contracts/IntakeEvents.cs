// Events the intake publishes after a message is durably stored. They carry identifiers and routing facts only:
// no CPR number and no message text travel on the bus; consumers read the stored message by MessageId.
namespace MedComMailbox.Contracts;

/// <summary>A MedCom message (CareCommunication or OIOXML letter) addressed to one of our mailboxes was stored and acknowledged.</summary>
/// <param name="MessageId">Our id of the stored message (the idempotency key for every consumer).</param>
/// <param name="MailboxGln">The location number it was addressed to.</param>
/// <param name="Kind">CareCommunication or OioXmlLetter.</param>
/// <param name="Category">CareCommunication category code (e.g. regarding-referral) or the OIOXML letter type.</param>
/// <param name="ThreadId">The conversation the message belongs to.</param>
/// <param name="Activity">new-message, reply-message or forward-message (FHIR), null for OIOXML.</param>
public sealed record MedComMessageReceived(
    Guid MessageId,
    string MailboxGln,
    string? SenderGln,
    string Kind,
    string? Category,
    string? ThreadId,
    string? Activity,
    DateTimeOffset ReceivedAt);

/// <summary>An acknowledgement (FHIR) or receipt (OIOXML) answering a message we sent was stored.</summary>
/// <param name="MessageId">Our id of the stored acknowledgement.</param>
/// <param name="AcknowledgedMessageId">Our id of the sent message it answers; null when it matched none.</param>
/// <param name="Code">ok, transient-error or fatal-error (FHIR); positive or negative (OIOXML).</param>
public sealed record MedComAcknowledgementReceived(
    Guid MessageId,
    Guid? AcknowledgedMessageId,
    string Code,
    DateTimeOffset ReceivedAt);

/// <summary>A message was rejected (negative acknowledgement sent, or unreadable) and kept for inspection.</summary>
public sealed record MedComMessageRejected(
    Guid MessageId,
    string? MailboxGln,
    IReadOnlyList<string> ErrorCodes,
    DateTimeOffset ReceivedAt);

/// <summary>A message we sent got no acknowledgement after the last resend (or a fatal-error one): someone must look.</summary>
public sealed record OutboundMessageFlagged(
    Guid MessageId,
    string Reason,
    int SendAttempts,
    DateTimeOffset FlaggedAt);
