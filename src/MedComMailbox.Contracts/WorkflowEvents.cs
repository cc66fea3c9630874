// Events of the referral workflow, for other municipal systems. Identifiers and dates only: no CPR, no names,
// no health text. A subscriber that needs the case reads it through the mailbox with its own authorisation.
namespace MedComMailbox.Contracts;

/// <summary>A consented referral was placed on the coordination committee's agenda.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="MailboxGln">The mailbox the referral came to.</param>
/// <param name="MeetingAt">The meeting the case is on.</param>
/// <param name="LatestAllowed">The 8th working day after consent: the last day the case may be discussed.</param>
/// <param name="WithinDeadline">False when no meeting fits; the case is flagged for a person.</param>
/// <param name="ConsentCompletedAt">When the last required consent came in.</param>
public sealed record ReferralReadyForCommittee(
    Guid CaseId,
    string MailboxGln,
    DateTimeOffset MeetingAt,
    DateOnly LatestAllowed,
    bool WithinDeadline,
    DateTimeOffset ConsentCompletedAt,
    DateTimeOffset ReadyAt);

/// <summary>A case left the workflow: decided, closed without consent, stopped by a refusal or withdrawal, or closed by staff.</summary>
/// <param name="State">Decided, ClosedNoConsent, ConsentRefused, ConsentWithdrawn, ConsentExpired or ClosedByStaff.</param>
public sealed record ReferralClosed(Guid CaseId, string MailboxGln, string State, string? Reason, DateTimeOffset ClosedAt);

/// <summary>
/// The responsible party is to be told of a course by e-mail: handed over after the decision (<c>Kind</c> HandOver) or
/// stopped because consent ended (<c>Kind</c> Stop). Published through the outbox in the decision's (or the stop's) own
/// transaction, so the notification survives a crash before it is sent; the workflow's consumer sends it once.
/// </summary>
/// <param name="NotificationId">One per notification: the consumer's ledger key.</param>
/// <param name="ResponsibleParty">The party's configured name (<c>Workflow:Course:ResponsibleParties</c>), not a person.</param>
public sealed record ResponsiblePartyNotificationDue(Guid NotificationId, Guid CaseId, string MailboxGln, string ResponsibleParty, string Kind, DateTimeOffset At);
