using System.ComponentModel.DataAnnotations;

namespace MedComMailbox.Infrastructure.Reconciliation;

/// <summary>Section <c>Reconciliation</c>: the sweep that publishes again what was stored but never routed.</summary>
public sealed class ReconciliationOptions : IValidatableObject
{
    public const string Section = "Reconciliation";

    /// <summary>
    /// How old a stored message that is still not routed (or a case effect still not carried out) must be before it
    /// counts as drift and its event is published again (default 10 minutes; triage normally takes well under a second).
    /// </summary>
    public TimeSpan After { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the sweep runs (default 1 minute).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How many drifting items open an episode the failure webhook announces once (default 1: any).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Reconciliation:AlertThreshold must be between 1 and 1000000.")]
    public int AlertThreshold { get; init; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (After < TimeSpan.FromSeconds(1) || After > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"Reconciliation:After {After} must be between 1 second and 1 day.", [nameof(After)]);
        }

        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult($"Reconciliation:Interval {Interval} must be between 1 second and 1 hour.", [nameof(Interval)]);
        }
    }
}
