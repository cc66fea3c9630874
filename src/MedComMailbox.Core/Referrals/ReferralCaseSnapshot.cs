using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Consent;

namespace MedComMailbox.Core.Referrals;

/// <summary>Everything a case is, for storing and restoring it (the worker keeps it as JSON beside a few indexed columns).</summary>
public sealed record ReferralCaseSnapshot(
    Guid Id,
    CaseState State,
    DateTimeOffset ConsentRequestedAt,
    bool ReminderSent,
    IReadOnlyList<CaseParty> Parties,
    IReadOnlyList<ConsentParty> Consents,
    AgendaPlacement? Agenda,
    CommitteeDecision? Decision,
    string? ClosedReason,
    DateTimeOffset? HandledAt = null,
    string? HandledReason = null,
    Guid? ConsentFromCase = null);
