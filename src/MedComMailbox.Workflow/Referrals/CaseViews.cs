using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;
using MedComMailbox.Core.Referrals;

namespace MedComMailbox.Workflow.Referrals;

// What the web pages show of cases. These carry personal data (names, CPR): render them, never log them.

/// <summary>A case in a list.</summary>
public sealed record CaseSummary(
    Guid Id,
    string MailboxGln,
    string ChildName,
    CaseState State,
    DateTimeOffset OpenedAt,
    DateTimeOffset ConsentDeadline,
    DateTimeOffset? MeetingAt,
    bool Flagged);

/// <summary>One consent party as staff see it. <see cref="ProtectedAddress"/>: never show this person's name or address to the other holder.</summary>
public sealed record PartyView(string PartyId, PartyRole Role, string Name, bool ProtectedAddress, ConsentAnswer Answer, DateTimeOffset? AnsweredAt);

/// <summary>A line in a case's timeline (received, receipt sent, letters, consents, reminders, agenda, decision, flags).</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string Text, string? Actor);

/// <summary>A Digital Post letter of a case and its delivery status (pending, accepted, delivered, failed).</summary>
public sealed record LetterView(
    Guid Id,
    LetterKind Kind,
    string PartyId,
    string RecipientName,
    string Title,
    string Status,
    string? ErrorCode,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StatusAt);

/// <summary>A MedCom message of the case (the referral, our receipt and replies, later correspondence).</summary>
public sealed record CaseMessageView(Guid MessageId, string Direction, string Kind, string Status, string? AckCode, DateTimeOffset At);

public sealed record CaseDetail(
    Guid Id,
    string MailboxGln,
    string ChildCpr,
    string ChildName,
    string? GpName,
    string? GpGln,
    CaseState State,
    DateTimeOffset OpenedAt,
    DateTimeOffset ConsentDeadline,
    bool ReminderSent,
    Guid? LinkedCaseId,
    IReadOnlyList<PartyView> Parties,
    AgendaPlacement? Agenda,
    CommitteeDecision? Decision,
    string? ClosedReason,
    bool Flagged,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<LetterView> Letters,
    IReadOnlyList<CaseMessageView> Messages,
    bool NeedsAction = false,
    string? HandledReason = null,
    Guid? ConsentFromCase = null);

/// <summary>A case that consent stopped (refused, withdrawn, expired) and that no person has closed yet.</summary>
public sealed record NeedsActionItem(Guid Id, string MailboxGln, string ChildName, CaseState State, DateTimeOffset OpenedAt, DateTimeOffset? StoppedAt);

/// <summary>A case on a meeting's agenda, with the referral members read beforehand.</summary>
public sealed record AgendaItem(Guid CaseId, string ChildName, string? GpName, DateTimeOffset MeetingAt, DateOnly LatestAllowed, bool WithinDeadline, Guid ReferralMessageId, string MailboxGln, string ChildCpr);

/// <summary>What the consent page shows the addressee of a consent request.</summary>
public sealed record ConsentInvitation(
    Guid CaseId,
    string PartyId,
    PartyRole Role,
    string RecipientName,
    string ChildName,
    string? GpName,
    string Municipality,
    string Committee,
    DateTimeOffset ExpiresAt,
    TimeSpan MaxValidity);

public enum ConsentPageOutcome
{
    /// <summary>The answer was recorded; the link is now used.</summary>
    Recorded,
    /// <summary>Unknown, already used, or expired link.</summary>
    LinkInvalid,
    /// <summary>The signed-in person is not the addressee of the link.</summary>
    WrongPerson,
    /// <summary>The case no longer takes answers (closed, stopped).</summary>
    CaseClosed,
}
