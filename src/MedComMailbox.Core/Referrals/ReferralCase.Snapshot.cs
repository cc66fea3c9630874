using MedComMailbox.Core.Consent;

namespace MedComMailbox.Core.Referrals;

// Storing and restoring the case (the worker keeps the snapshot as JSON).
public sealed partial class ReferralCase
{
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
}
