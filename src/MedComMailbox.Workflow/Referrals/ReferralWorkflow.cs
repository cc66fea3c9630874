using MedComMailbox.Core.Consent;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>The commands staff and citizens give a case. Skeleton: implemented in the next commit.</summary>
public sealed class ReferralWorkflow
{
    /// <summary>The invitation behind a consent link; null when the link is unknown, used or expired.</summary>
    public Task<ConsentInvitation?> FindInvitationAsync(string token, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>An answer given on the consent page by the signed-in person (CPR from the sign-in).</summary>
    public Task<ConsentPageOutcome> AnswerByTokenAsync(string token, string signedInCpr, bool give, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Staff register a paper consent (Given), a refusal (Refused) or a withdrawal (Withdrawn). False when the case or person is unknown.</summary>
    public Task<bool> RegisterConsentAsync(Guid caseId, string partyId, ConsentAnswer answer, string staffUser, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>The committee's decision for a case on the agenda; the letters go out. False when the case is not on the agenda or its consent no longer holds.</summary>
    public Task<bool> RecordDecisionAsync(Guid caseId, string outcome, string responsibleParty, string summary, string staffUser, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Staff close an open case with a reason.</summary>
    public Task<bool> CloseAsync(Guid caseId, string reason, string staffUser, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Sends a failed Digital Post letter again (same messageUUID).</summary>
    public Task<bool> ResendLetterAsync(Guid letterId, string staffUser, CancellationToken cancellationToken) => throw new NotImplementedException();
}

/// <summary>The read side for the pages. Skeleton: implemented in the next commit.</summary>
public sealed class CaseQueries
{
    /// <summary>Cases, newest first; <paramref name="openOnly"/> hides decided and closed ones.</summary>
    public Task<IReadOnlyList<CaseSummary>> ListAsync(bool openOnly, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<CaseDetail?> GetAsync(Guid caseId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Every case on the agenda of a meeting at or after <paramref name="from"/>, by meeting.</summary>
    public Task<IReadOnlyList<AgendaItem>> AgendaAsync(DateTimeOffset from, CancellationToken cancellationToken) => throw new NotImplementedException();
}
