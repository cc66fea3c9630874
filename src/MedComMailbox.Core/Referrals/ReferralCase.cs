using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;

namespace MedComMailbox.Core.Referrals;

/// <summary>
/// A referral about a child from opening to decision, as pure rules: each method changes the case and returns the effects
/// to carry out. Stale inputs (a deadline that fires after the case moved on, a second answer) return no effects, so a
/// sweep or a redelivered bus message can never double a letter.
/// </summary>
/// <remarks>One aggregate in several files by job: opening and closing here, consent in <c>ReferralCase.Consent.cs</c>,
/// the custody re-check and the committee in <c>ReferralCase.Committee.cs</c>, storing in <c>ReferralCase.Snapshot.cs</c>.</remarks>
public sealed partial class ReferralCase
{
    private readonly ConsentPolicy _policy;
    private readonly List<CaseParty> _parties;
    private ConsentTracker _consent;

    private ReferralCase(Guid id, ConsentPolicy policy, IEnumerable<CaseParty> parties, DateTimeOffset requestedAt)
    {
        Id = id;
        _policy = policy;
        _parties = parties.ToList();
        ConsentRequestedAt = requestedAt;
        _consent = new ConsentTracker(policy, requestedAt, _parties.Select(p => new ConsentParty(p.PartyId, ConsentAnswer.Pending, null)));
    }

    public Guid Id { get; }

    public CaseState State { get; private set; } = CaseState.AwaitingConsent;

    public DateTimeOffset ConsentRequestedAt { get; private set; }

    public IReadOnlyList<CaseParty> Parties => _parties;

    public IReadOnlyCollection<ConsentParty> Consents => _consent.Parties;

    public AgendaPlacement? Agenda { get; private set; }

    public CommitteeDecision? Decision { get; private set; }

    public string? ClosedReason { get; private set; }

    /// <summary>When a person closed a refused, withdrawn or expired case, taking it off the "kræver handling" list.</summary>
    public DateTimeOffset? HandledAt { get; private set; }

    public string? HandledReason { get; private set; }

    /// <summary>The earlier case whose still valid consent this case joined instead of asking again.</summary>
    public Guid? ConsentFromCase { get; private set; }

    /// <summary>The states in which consent stopped the case; such a case needs a person until closed.</summary>
    public static bool IsConsentStop(CaseState state) => state is CaseState.ConsentRefused or CaseState.ConsentWithdrawn or CaseState.ConsentExpired;

    /// <summary>On the "kræver handling" list: consent stopped the case and nobody has closed it yet.</summary>
    public bool NeedsAction => IsConsentStop(State) && HandledAt is null;

    public bool IsOpen => State is CaseState.AwaitingConsent or CaseState.CheckingCustody or CaseState.OnAgenda;

    /// <summary>The deadline that applies to the answers now (the first one, or the extended one after the reminder).</summary>
    public DateTimeOffset ConsentDeadline => _consent.Deadline;

    public bool ReminderSent => _consent.ReminderSent;

    /// <summary>When the last required consent came in, while every consent is given.</summary>
    public DateTimeOffset? ConsentCompletedAt => _consent.CompletedAt;

    /// <summary>Opens a case for a new referral: receipt to the GP, a consent request to each custody holder and to the child when old enough, the reminder deadline.</summary>
    public static (ReferralCase Case, IReadOnlyList<CaseEffect> Effects) Open(
        Guid id, People.CprNumber child, IReadOnlyList<CaseParty> custodyHolders, ConsentPolicy policy, DateTimeOffset now)
    {
        var parties = custodyHolders.Where(h => h.Role == PartyRole.CustodyHolder).ToList();
        if (policy.ChildMustConsent(child, DateOnly.FromDateTime(now.UtcDateTime)))
        {
            parties.Add(new CaseParty(child.Value, PartyRole.Child, false));
        }

        var @case = new ReferralCase(id, policy, parties, now);
        var effects = new List<CaseEffect> { new SendGpMessage(LetterKind.GpReceipt) };
        if (custodyHolders.Count == 0)
        {
            effects.Add(new FlagForOperator(CaseReasons.NoCustodyHolder));
        }

        effects.AddRange(parties.Select(p => new SendDigitalPost(LetterKind.ConsentRequest, p.PartyId)));
        effects.Add(new ScheduleDeadline(DeadlineKind.ConsentReminder, @case._consent.Deadline));
        return (@case, effects);
    }

    /// <summary>
    /// Opens a case for a new referral of a child whose consent from an earlier case still holds (under a year, none
    /// withdrawn): the consent is joined instead of asked for again. Only parties the earlier consent does not cover
    /// (a new custody holder, a child who has turned 15) are asked; with nobody to ask, custody is re-checked at once.
    /// </summary>
    public static (ReferralCase Case, IReadOnlyList<CaseEffect> Effects) OpenOnConsent(
        Guid id, People.CprNumber child, IReadOnlyList<CaseParty> custodyHolders, Guid earlierCase, IReadOnlyCollection<ConsentParty> earlierConsents,
        ConsentPolicy policy, DateTimeOffset now)
    {
        var (@case, opening) = Open(id, child, custodyHolders, policy, now);
        var given = earlierConsents.Where(c => c.Answer == ConsentAnswer.Given).ToDictionary(c => c.PartyId, StringComparer.Ordinal);
        @case.ConsentFromCase = earlierCase;
        @case._consent = new ConsentTracker(policy, now,
            @case._parties.Select(p => given.TryGetValue(p.PartyId, out var earlier) ? earlier : new ConsentParty(p.PartyId, ConsentAnswer.Pending, null)));
        var pending = @case._consent.Parties.Where(c => c.Answer == ConsentAnswer.Pending).Select(c => c.PartyId).ToHashSet(StringComparer.Ordinal);
        // The GP is told that consent is already given (and who, if anyone, is still asked), not that requests are on their way.
        var effects = opening
            .Where(e => e is not SendDigitalPost post || pending.Contains(post.PartyId))
            .Select(e => e is SendGpMessage { Letter: LetterKind.GpReceipt } ? new SendGpMessage(LetterKind.GpReceiptConsentJoined) : e)
            .ToList();
        if (@case._consent.StatusAt(now) == ConsentStatus.Complete)
        {
            @case.State = CaseState.CheckingCustody;
            effects.RemoveAll(e => e is ScheduleDeadline);
            effects.Add(new RecheckCustody());
        }

        return (@case, effects);
    }

    /// <summary>
    /// Staff closes the case with a reason (out of scope, duplicate …). A case that consent stopped keeps its state and
    /// leaves the "kræver handling" list with the reason.
    /// </summary>
    public IReadOnlyList<CaseEffect> CloseByStaff(string reason, DateTimeOffset now)
    {
        if (NeedsAction)
        {
            HandledAt = now;
            HandledReason = reason;
            return [];
        }

        if (!IsOpen)
        {
            return [];
        }

        var wasOnAgenda = State == CaseState.OnAgenda;
        State = CaseState.ClosedByStaff;
        ClosedReason = reason;
        return wasOnAgenda ? [new RemovedFromAgenda()] : [];
    }
}
