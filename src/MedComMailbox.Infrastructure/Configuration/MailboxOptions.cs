using System.ComponentModel.DataAnnotations;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Identifiers;

namespace MedComMailbox.Infrastructure.Configuration;

/// <summary>The mailboxes this installation answers for (configuration section <c>Mailbox</c>).</summary>
public sealed class MailboxOptions : IValidatableObject
{
    public const string Section = "Mailbox";

    /// <summary>One entry per location number: GLN (13 digits with GS1 check digit), SOR id, display name.</summary>
    [MinLength(1, ErrorMessage = "Mailbox:Mailboxes must list at least one mailbox (GLN, SorId, Name).")]
    public List<MailboxEntry> Mailboxes { get; init; } = [];

    /// <summary>Where the embedded default keeps its database and folders. Relative paths are relative to the working directory.</summary>
    [Required(ErrorMessage = "Mailbox:DataDirectory is missing: the database and the VANS folders live under it.")]
    public string DataDirectory { get; init; } = "data";

    /// <summary>Largest accepted message body in bytes (default 20 MB).</summary>
    [Range(1024, 512L * 1024 * 1024, ErrorMessage = "Mailbox:MaxMessageBytes must be between 1024 and 536870912 bytes.")]
    public long MaxMessageBytes { get; init; } = 20L * 1024 * 1024;

    /// <summary>
    /// Validate FHIR messages against MedCom's published profiles (Firely's validator, docs/adr/0012) after our own
    /// receiver rules. Default true; false leaves only our rules (for a diagnosis, never in production).
    /// </summary>
    public bool ValidateProfiles { get; init; } = true;

    /// <summary>A path from configuration: absolute as given, relative to the working directory otherwise.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path);

    /// <summary>The mailbox with this location number, or null.</summary>
    public MailboxIdentity? Find(string? gln) => gln is null ? null : Identities.FirstOrDefault(m => m.Gln == gln);

    public IReadOnlyList<MailboxIdentity> Identities => Mailboxes.Select(m => new MailboxIdentity(m.Gln, m.SorId, m.Name)).ToList();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Mailboxes.Count; i++)
        {
            var m = Mailboxes[i];
            var at = $"Mailbox:Mailboxes:{i}";
            if (!MedComIdentifiers.IsValidGln(m.Gln))
            {
                yield return new ValidationResult($"{at}:Gln '{m.Gln}' is not a location number: 13 digits ending in the GS1 check digit.", [nameof(Mailboxes)]);
            }

            if (string.IsNullOrWhiteSpace(m.SorId))
            {
                yield return new ValidationResult($"{at}:SorId is missing: every mailbox needs its SOR id (the receiver's SOR code in MedCom messages).", [nameof(Mailboxes)]);
            }
            else if (!IsSorId(m.SorId))
            {
                yield return new ValidationResult($"{at}:SorId '{m.SorId}' is not a SOR id: 6 to 18 digits.", [nameof(Mailboxes)]);
            }

            if (string.IsNullOrWhiteSpace(m.Name))
            {
                yield return new ValidationResult($"{at}:Name is missing: senders and letters show it.", [nameof(Mailboxes)]);
            }
        }

        foreach (var duplicate in Mailboxes.GroupBy(m => m.Gln).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"Mailbox:Mailboxes lists the location number {duplicate.Key} more than once.", [nameof(Mailboxes)]);
        }
    }

    /// <summary>SOR ids are numeric; the register's ids run from 6 to 18 digits.</summary>
    public static bool IsSorId(string? sorId) => sorId is { Length: >= 6 and <= 18 } && sorId.All(char.IsAsciiDigit);
}

public sealed class MailboxEntry
{
    public string Gln { get; init; } = "";
    public string SorId { get; init; } = "";
    public string Name { get; init; } = "";
}
