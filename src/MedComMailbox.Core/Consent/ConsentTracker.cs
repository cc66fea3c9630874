namespace MedComMailbox.Core.Consent;

public enum ConsentAnswer
{
    Pending,
    Given,
    Refused,
    Withdrawn,
}

/// <summary>One person whose consent a case needs: a custody holder or the child.</summary>
public sealed record ConsentParty(string PartyId, ConsentAnswer Answer, DateTimeOffset? AnsweredAt);

/// <summary>Where a case stands on consent at a moment.</summary>
public enum ConsentStatus
{
    /// <summary>Some required answers are missing and the deadline has not passed.</summary>
    Awaiting,
    /// <summary>Every required party has given consent and none of it has expired.</summary>
    Complete,
    /// <summary>Someone refused or withdrew: processing stops at once.</summary>
    Stopped,
    /// <summary>The final deadline passed without every answer: the case closes as "no consent".</summary>
    Lapsed,
    /// <summary>Consent was complete but is older than its maximum validity.</summary>
    Expired,
}

/// <summary>
/// The consent state of one case, as pure data and rules: the worker stores the parties and asks this type what follows.
/// The one question that guards the committee queue is <see cref="MayGoToCommittee"/>.
/// </summary>
public sealed class ConsentTracker(ConsentPolicy policy, DateTimeOffset requestedAt, IEnumerable<ConsentParty> parties, bool reminderSent = false)
{
    private readonly Dictionary<string, ConsentParty> _parties = parties.ToDictionary(p => p.PartyId);

    public IReadOnlyCollection<ConsentParty> Parties => _parties.Values;

    public bool ReminderSent { get; private set; } = reminderSent;

    /// <summary>The deadline that applies now: the first one, or the extended one after the reminder.</summary>
    public DateTimeOffset Deadline => requestedAt + policy.ResponseTime + (ReminderSent ? policy.ReminderExtension : TimeSpan.Zero);

    public void Record(string partyId, ConsentAnswer answer, DateTimeOffset at)
    {
        if (!_parties.TryGetValue(partyId, out var party))
        {
            throw new InvalidOperationException("That person is not a party to this case's consent.");
        }

        // A refusal or withdrawal stands: it stops this case at once; a change of mind starts a new case.
        if (party.Answer is ConsentAnswer.Withdrawn or ConsentAnswer.Refused)
        {
            return;
        }

        if (answer is ConsentAnswer.Withdrawn && party.Answer is not ConsentAnswer.Given)
        {
            answer = ConsentAnswer.Refused;
        }

        _parties[partyId] = party with { Answer = answer, AnsweredAt = at };
    }

    public void MarkReminderSent() => ReminderSent = true;

    public ConsentStatus StatusAt(DateTimeOffset now)
    {
        if (_parties.Values.Any(p => p.Answer is ConsentAnswer.Refused or ConsentAnswer.Withdrawn))
        {
            return ConsentStatus.Stopped;
        }

        if (_parties.Count > 0 && _parties.Values.All(p => p.Answer is ConsentAnswer.Given))
        {
            var oldest = _parties.Values.Min(p => p.AnsweredAt!.Value);
            return now - oldest > policy.MaxValidity ? ConsentStatus.Expired : ConsentStatus.Complete;
        }

        return now > Deadline && ReminderSent ? ConsentStatus.Lapsed : ConsentStatus.Awaiting;
    }

    /// <summary>True when the first deadline has passed, no reminder went out yet and answers are missing.</summary>
    public bool ReminderDue(DateTimeOffset now) => !ReminderSent && now > Deadline && StatusAt(now) == ConsentStatus.Awaiting;

    /// <summary>The moment consent became complete (the last given answer), if it is complete.</summary>
    public DateTimeOffset? CompletedAt =>
        _parties.Count > 0 && _parties.Values.All(p => p.Answer is ConsentAnswer.Given) ? _parties.Values.Max(p => p.AnsweredAt) : null;

    /// <summary>The guard of the committee queue: every required consent given, none refused or withdrawn, none expired.</summary>
    public bool MayGoToCommittee(DateTimeOffset now) => StatusAt(now) == ConsentStatus.Complete;
}
