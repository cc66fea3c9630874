namespace MedComMailbox.Infrastructure.Telemetry;

/// <summary>
/// The consent gauges' values. The <c>cases</c> table is the workflow's: it answers (registered by
/// <c>AddReferralWorkflow</c>), so the sampler here runs no SQL on a table it does not own.
/// </summary>
public interface IConsentCounts
{
    /// <summary>Cases awaiting consent, and how many of them are past their consent deadline at <paramref name="now"/> (Unix ms).</summary>
    Task<(long Pending, long Overdue)> ConsentsAsync(long now, CancellationToken cancellationToken);
}
