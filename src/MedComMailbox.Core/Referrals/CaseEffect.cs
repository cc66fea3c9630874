using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Letters;

namespace MedComMailbox.Core.Referrals;

/// <summary>Something the case asks the outside world to do. The worker carries effects out and stores the case in one transaction.</summary>
public abstract record CaseEffect;

/// <summary>A MedCom reply to the referring GP in the referral's thread.</summary>
public sealed record SendGpMessage(LetterKind Letter) : CaseEffect;

/// <summary>A Digital Post letter to one party (custody holder or the child).</summary>
public sealed record SendDigitalPost(LetterKind Letter, string PartyId) : CaseEffect;

/// <summary>The responsible party of the decided case's course is told that the case stopped (the course's hand-over channel).</summary>
public sealed record TellResponsibleParty(string Reason) : CaseEffect;

/// <summary>A deadline row with a due time, handled by the periodic sweep (no in-memory timers).</summary>
public sealed record ScheduleDeadline(DeadlineKind Kind, DateTimeOffset DueAt) : CaseEffect;

public sealed record RecheckCustody : CaseEffect;

/// <summary>The case is on the agenda: publish ReferralReadyForCommittee.</summary>
public sealed record PlacedOnAgenda(AgendaPlacement Placement) : CaseEffect;

public sealed record RemovedFromAgenda : CaseEffect;

public sealed record FlagForOperator(string Reason) : CaseEffect;
