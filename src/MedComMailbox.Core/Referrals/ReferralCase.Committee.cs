using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;

namespace MedComMailbox.Core.Referrals;

// From complete consent to the decision: the custody re-check, the agenda and the committee's decision.
public sealed partial class ReferralCase
{
    /// <summary>
    /// The custody re-check before the committee. Unchanged: the case goes on the agenda. Changed: new holders are asked,
    /// holders who lost custody drop out, and a person is told.
    /// </summary>
    public IReadOnlyList<CaseEffect> CustodyRechecked(IReadOnlyList<CaseParty> currentHolders, AgendaPlanner planner, DateTimeOffset now)
    {
        if (State != CaseState.CheckingCustody)
        {
            return [];
        }

        var known = _parties.Where(p => p.Role == PartyRole.CustodyHolder).Select(p => p.PartyId).ToHashSet(StringComparer.Ordinal);
        var current = currentHolders.Select(h => h.PartyId).ToHashSet(StringComparer.Ordinal);
        if (!known.SetEquals(current))
        {
            var added = currentHolders.Where(h => !known.Contains(h.PartyId)).ToList();
            _parties.RemoveAll(p => p.Role == PartyRole.CustodyHolder && !current.Contains(p.PartyId));
            _parties.AddRange(added);
            var answers = _consent.Parties.Where(c => _parties.Any(p => p.PartyId == c.PartyId)).ToList();
            answers.AddRange(added.Select(a => new ConsentParty(a.PartyId, ConsentAnswer.Pending, null)));
            ConsentRequestedAt = now;
            _consent = new ConsentTracker(_policy, now, answers);
            var status = _consent.StatusAt(now);
            if (status == ConsentStatus.Complete)
            {
                return [new FlagForOperator(CaseReasons.CustodyChanged), .. PlaceOnAgenda(planner, now)];
            }

            State = CaseState.AwaitingConsent;
            return
            [
                new FlagForOperator(CaseReasons.CustodyChangedWhilePending),
                .. added.Select(a => new SendDigitalPost(LetterKind.ConsentRequest, a.PartyId)),
                new ScheduleDeadline(DeadlineKind.ConsentReminder, _consent.Deadline),
            ];
        }

        return PlaceOnAgenda(planner, now);
    }

    /// <summary>Whether the committee may decide now: the case's meeting has started.</summary>
    public bool MeetingStarted(DateTimeOffset now) => Agenda is { } agenda && now >= agenda.Meeting;

    /// <summary>
    /// The committee's decision: letters to the GP and every party. Only for a case on the agenda whose consent still
    /// holds, and not before the meeting has started.
    /// </summary>
    public IReadOnlyList<CaseEffect> RecordDecision(CommitteeDecision decision)
    {
        if (State != CaseState.OnAgenda || !MeetingStarted(decision.DecidedAt) || !_consent.MayGoToCommittee(decision.DecidedAt))
        {
            return [];
        }

        State = CaseState.Decided;
        Decision = decision;
        return [new SendGpMessage(LetterKind.Decision), .. _parties.Select(p => new SendDigitalPost(LetterKind.Decision, p.PartyId))];
    }

    /// <summary>The guard of the committee queue, exposed for the worker's own assertion before publishing.</summary>
    public bool MayGoToCommittee(DateTimeOffset now) => _consent.MayGoToCommittee(now);

    private List<CaseEffect> PlaceOnAgenda(AgendaPlanner planner, DateTimeOffset now)
    {
        if (!_consent.MayGoToCommittee(now))
        {
            return [];
        }

        var placement = planner.Place(_consent.CompletedAt!.Value, now);
        Agenda = placement;
        State = CaseState.OnAgenda;
        var oldestConsent = _consent.Parties.Min(p => p.AnsweredAt!.Value);
        List<CaseEffect> effects =
        [
            new PlacedOnAgenda(placement),
            new ScheduleDeadline(DeadlineKind.ConsentExpiry, oldestConsent + _policy.MaxValidity + TimeSpan.FromSeconds(1)),
        ];
        if (!placement.WithinDeadline)
        {
            effects.Add(new FlagForOperator(CaseReasons.NoMeetingInTime));
        }

        return effects;
    }
}
