using System.ComponentModel.DataAnnotations;

namespace MedComMailbox.Workflow.Retention;

/// <summary>
/// How long the mailbox keeps what it stores (section <c>Retention</c>; the audit log has its own, <c>Audit:RetentionMonths</c>), run by the worker (wherever <c>Bus:RunConsumers</c>
/// is true). The defaults and their reasons are in docs/adr/0009-operations.md: the mailbox is a transport and a work
/// surface, not the record: what must be kept for longer is journalised in the municipality's case system.
/// </summary>
public sealed class RetentionOptions : IValidatableObject
{
    public const string Section = "Retention";

    private static readonly TimeSpan Minimum = TimeSpan.FromDays(30);
    private static readonly TimeSpan Maximum = TimeSpan.FromDays(36525);

    /// <summary>Off: nothing is deleted (e.g. while the municipality's archive decides). Default on.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Stored MedCom messages that belong to no case, counted from receipt. Default 5 years.</summary>
    public TimeSpan Messages { get; init; } = TimeSpan.FromDays(1826);

    /// <summary>Digital Post letters of closed cases, counted from creation. Default 5 years.</summary>
    public TimeSpan Letters { get; init; } = TimeSpan.FromDays(1826);

    /// <summary>A closed case with everything that belongs to it (messages, letters, timeline), counted from closing. Default 5 years.</summary>
    public TimeSpan Cases { get; init; } = TimeSpan.FromDays(1826);

    /// <summary>How often the deletion runs.</summary>
    public TimeSpan RunInterval { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Rows per delete statement: short transactions beside the live traffic.</summary>
    [Range(10, 10000, ErrorMessage = "Retention:BatchSize must be between 10 and 10000.")]
    public int BatchSize { get; init; } = 500;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, period) in new[] { (nameof(Messages), Messages), (nameof(Letters), Letters), (nameof(Cases), Cases) })
        {
            if (period < Minimum || period > Maximum)
            {
                // A typing slip such as "5.00:00" (five days) would delete nearly everything; a month is the floor.
                yield return new ValidationResult($"Retention:{name} {period} must be between 30 days and 100 years (e.g. 1826.00:00:00 for 5 years).");
            }
        }

        if (RunInterval < TimeSpan.FromMinutes(1) || RunInterval > TimeSpan.FromDays(7))
        {
            yield return new ValidationResult($"Retention:RunInterval {RunInterval} must be between 1 minute and 7 days.");
        }
    }
}
