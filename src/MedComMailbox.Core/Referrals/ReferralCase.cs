using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;

namespace MedComMailbox.Core.Referrals;

public enum CaseState
{
    /// <summary>Consent requests are out; waiting for every required answer.</summary>
    AwaitingConsent,
    /// <summary>Every consent is in; custody is being re-checked before the committee.</summary>
    CheckingCustody,
    /// <summary>On the committee's agenda.</summary>
    OnAgenda,
    /// <summary>The committee decided; decision letters went out.</summary>
    Decided,
    /// <summary>Closed without consent after the reminder's deadline.</summary>
    ClosedNoConsent,
    /// <summary>Someone refused consent ("Samtykke afslået"): no further processing; on the "kræver handling" list until a person closes it.</summary>
    ConsentRefused,
    /// <summary>Someone withdrew a given consent ("Samtykke trukket tilbage"), before or after the decision; on the list until closed.</summary>
    ConsentWithdrawn,
    /// <summary>The consent became older than its maximum validity ("Samtykke udløbet"); on the list until closed.</summary>
    ConsentExpired,
    /// <summary>Closed by staff with a reason.</summary>
    ClosedByStaff,
}

public enum DeadlineKind
{
    ConsentReminder,
    ConsentLapse,
    ConsentExpiry,
}

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

/// <summary>A party to the case's consent. Protected-address holders are marked so their name or address never reaches the other holder.</summary>
public sealed record CaseParty(string PartyId, PartyRole Role, bool ProtectedAddress);

public enum PartyRole
{
    CustodyHolder,
    Child,
}

/// <summary>The committee's decision.</summary>
public sealed record CommitteeDecision(string Outcome, string ResponsibleParty, string Summary, DateTimeOffset DecidedAt);

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

/// <summary>
/// A referral about a child from opening to decision, as pure rules: each method changes the case and returns the effects
/// to carry out. Stale inputs (a deadline that fires after the case moved on, a second answer) return no effects, so a
/// sweep or a redelivered bus message can never double a letter.
/// </summary>
public sealed class ReferralCase
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

    public ReferralCaseSnapshot ToSnapshot() =>
        new(Id, State, ConsentRequestedAt, _consent.ReminderSent, _parties.ToList(), _consent.Parties.ToList(), Agenda, Decision, ClosedReason, HandledAt, HandledReason, ConsentFromCase);

    /// <summary>Restores a stored case under the municipality's current consent policy.</summary>
    public static ReferralCase Restore(ReferralCaseSnapshot snapshot, ConsentPolicy policy)
    {
        var @case = new ReferralCase(snapshot.Id, policy, snapshot.Parties, snapshot.ConsentRequestedAt)
        {
            State = snapshot.State,
            Agenda = snapshot.Agenda,
            Decision = snapshot.Decision,
            ClosedReason = snapshot.ClosedReason,
            HandledAt = snapshot.HandledAt,
            HandledReason = snapshot.HandledReason,
            ConsentFromCase = snapshot.ConsentFromCase,
        };
        @case._consent = new ConsentTracker(policy, snapshot.ConsentRequestedAt, snapshot.Consents, snapshot.ReminderSent);
        return @case;
    }

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
            effects.Add(new FlagForOperator("no custody holder found in the CPR register"));
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
                ClosedReason = "no consent";
                return
                [
                    .. _parties.Select(p => new SendDigitalPost(LetterKind.ClosedNoConsent, p.PartyId)),
                    new SendGpMessage(LetterKind.ClosedNoConsent),
                ];

            case DeadlineKind.ConsentExpiry when (IsOpen || State == CaseState.Decided) && _consent.StatusAt(now) == ConsentStatus.Expired:
                var wasOnAgenda = State == CaseState.OnAgenda;
                State = CaseState.ConsentExpired;
                ClosedReason = "consent expired";
                return wasOnAgenda ? [new RemovedFromAgenda(), new FlagForOperator("consent expired")] : [new FlagForOperator("consent expired")];

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
            ClosedReason = "consent withdrawn";
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
                ClosedReason = withdrawn ? "consent withdrawn" : "consent refused";
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
                return [new FlagForOperator("custody changed"), .. PlaceOnAgenda(planner, now)];
            }

            State = CaseState.AwaitingConsent;
            return
            [
                new FlagForOperator("custody changed while consent was pending"),
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

    /// <summary>The GP is told by MedCom and every other party by Digital Post that the case stopped (never who stopped it).</summary>
    private List<CaseEffect> TellOthersStopped(string partyId) =>
    [
        new SendGpMessage(LetterKind.ConsentStopped),
        .. _parties.Where(p => p.PartyId != partyId).Select(p => new SendDigitalPost(LetterKind.ConsentStopped, p.PartyId)),
    ];

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
            effects.Add(new FlagForOperator("no committee meeting within 8 working days of consent"));
        }

        return effects;
    }
}
