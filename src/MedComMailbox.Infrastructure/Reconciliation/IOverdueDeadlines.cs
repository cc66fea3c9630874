namespace MedComMailbox.Infrastructure.Reconciliation;

/// <summary>
/// The case deadlines due and not handled, for the drift count. The <c>deadlines</c> table is the workflow's: it answers
/// (registered by <c>AddReferralWorkflow</c>), so the reconciliation here runs no SQL on a table it does not own.
/// </summary>
public interface IOverdueDeadlines
{
    /// <summary>How many deadlines came due before <paramref name="dueBefore"/> (Unix ms) and are not done, and the oldest one's due time.</summary>
    Task<(long Count, long? OldestDueAt)> OverdueAsync(long dueBefore, CancellationToken cancellationToken);
}
