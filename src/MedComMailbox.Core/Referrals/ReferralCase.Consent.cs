using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;

namespace MedComMailbox.Core.Referrals;

// The consent's course: its deadlines, the answers and withdrawals, consent shared between cases of one child.
public sealed partial class ReferralCase
{
    /// <summary>A deadline row came due. Anything that no longer applies is ignored.</summary>
    public IReadOnlyList<CaseEffect> DeadlineReached(DeadlineKind kind, DateTimeOffset now)
    {
        switch (kind)
        {
            case DeadlineKind.ConsentReminder when State == CaseState.AwaitingConsent && _consent.ReminderDue(now):
                _consent.MarkReminderSent();
                return
                [
                    .. _consent.Parties.Where(p => p.Answer == ConsentAnswer.Pending).Select(p => new SendDigitalPost(LetterKind.ConsentReminder, p.PartyId)),
                    new ScheduleDeadline(DeadlineKind.ConsentLapse, _consent.Deadline),
                ];

            case DeadlineKind.ConsentLapse when State == CaseState.AwaitingConsent && _consent.StatusAt(now) == ConsentStatus.Lapsed:
                State = CaseState.ClosedNoConsent;
                ClosedReason = CaseReasons.NoConsent;
                return
                [
                    .. _parties.Select(p => new SendDigitalPost(LetterKind.ClosedNoConsent, p.PartyId)),
                    new SendGpMessage(LetterKind.ClosedNoConsent),
                ];

            case DeadlineKind.ConsentExpiry when (IsOpen || State == CaseState.Decided) && _consent.StatusAt(now) == ConsentStatus.Expired:
                var wasOnAgenda = State == CaseState.OnAgenda;
                State = CaseState.ConsentExpired;
                ClosedReason = CaseReasons.ConsentExpired;
                return wasOnAgenda ? [new RemovedFromAgenda(), new FlagForOperator(CaseReasons.ConsentExpired)] : [new FlagForOperator(CaseReasons.ConsentExpired)];

            default:
                return [];
        }
    }

    /// <summary>An answer from the consent page, a paper consent registered by staff, or a withdrawal.</summary>
    public IReadOnlyList<CaseEffect> RecordConsent(string partyId, ConsentAnswer answer, DateTimeOffset now)
    {
        // After the decision only a withdrawal still matters: it stops any further processing of the case.
        if (State == CaseState.Decided && answer == ConsentAnswer.Withdrawn && _consent.Parties.Any(p => p.PartyId == partyId && p.Answer == ConsentAnswer.Given))
        {
            _consent.Record(partyId, answer, now);
            State = CaseState.ConsentWithdrawn;
            ClosedReason = CaseReasons.ConsentWithdrawn;
            return [new FlagForOperator(ClosedReason), .. TellOthersStopped(partyId), new TellResponsibleParty(ClosedReason)];
        }

        if (!IsOpen)
        {
            return [];
        }

        _consent.Record(partyId, answer, now);
        switch (_consent.StatusAt(now))
        {
            case ConsentStatus.Stopped:
                var wasOnAgenda = State == CaseState.OnAgenda;
                var withdrawn = _consent.Parties.Any(p => p.Answer == ConsentAnswer.Withdrawn);
                State = withdrawn ? CaseState.ConsentWithdrawn : CaseState.ConsentRefused;
                ClosedReason = withdrawn ? CaseReasons.ConsentWithdrawn : CaseReasons.ConsentRefused;
                List<CaseEffect> effects = [new FlagForOperator(ClosedReason), .. TellOthersStopped(partyId)];
                if (wasOnAgenda)
                {
                    effects.Insert(0, new RemovedFromAgenda());
                }

                return effects;

            case ConsentStatus.Complete when State == CaseState.AwaitingConsent:
                State = CaseState.CheckingCustody;
                return [new RecheckCustody()];

            default:
                return [];
        }
    }

    /// <summary>
    /// A person's consent was withdrawn on another case of the child that holds the very same consent (this case joined
    /// it, or it joined this case's): consent belongs to the child, not to a case, so this case stops too, with the same
    /// letters and GP message as a withdrawal recorded here. <paramref name="revoked"/> is that person's consent as it
    /// was before the withdrawal; a consent this case asked for itself (another answer time) is not touched, and a case
    /// whose consent already stopped or that has closed is left alone. Nothing follows a refusal of a consent that was
    /// never given: no case can have joined it.
    /// </summary>
    public IReadOnlyList<CaseEffect> SharedConsentWithdrawn(ConsentParty revoked, DateTimeOffset now)
    {
        var mine = _consent.Parties.FirstOrDefault(p => p.PartyId == revoked.PartyId);
        if (revoked.Answer != ConsentAnswer.Given || mine is null || mine.Answer != ConsentAnswer.Given || mine.AnsweredAt != revoked.AnsweredAt)
        {
            return [];
        }

        return RecordConsent(revoked.PartyId, ConsentAnswer.Withdrawn, now);
    }

    /// <summary>
    /// The cases that share one consent with <paramref name="start"/>: every case linked to it through
    /// <see cref="ConsentFromCase"/>, in either direction and over several re-referrals (a joins b joins c), itself excluded.
    /// </summary>
    public static IReadOnlyList<Guid> SharingConsent(Guid start, IEnumerable<(Guid Id, Guid? ConsentFromCase)> casesOfTheChild)
    {
        var links = casesOfTheChild.ToList();
        var group = new HashSet<Guid> { start };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (id, from) in links)
            {
                if (from is { } f && group.Contains(id) != group.Contains(f))
                {
                    group.Add(id);
                    group.Add(f);
                    grew = true;
                }
            }
        }

        group.Remove(start);
        return [.. group];
    }

    /// <summary>The GP is told by MedCom and every other party by Digital Post that the case stopped (never who stopped it).</summary>
    private List<CaseEffect> TellOthersStopped(string partyId) =>
    [
        new SendGpMessage(LetterKind.ConsentStopped),
        .. _parties.Where(p => p.PartyId != partyId).Select(p => new SendDigitalPost(LetterKind.ConsentStopped, p.PartyId)),
    ];
}
