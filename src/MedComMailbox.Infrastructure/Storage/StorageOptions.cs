using System.ComponentModel.DataAnnotations;

namespace MedComMailbox.Infrastructure.Storage;

/// <summary>Where messages are kept (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    /// <summary><c>Sqlite</c> (embedded default: a file under Mailbox:DataDirectory) or <c>SqlServer</c> (production).</summary>
    [Required]
    public StorageProvider Provider { get; init; } = StorageProvider.Sqlite;

    /// <summary>
    /// The connection string. Optional for SQLite (default <c>Data Source=&lt;DataDirectory&gt;/mailbox.db</c>), required for SQL Server.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>Apply the numbered schema scripts at start-up (default true).</summary>
    public bool MigrateOnStart { get; init; } = true;

    /// <summary>SQLite: how often the planner's statistics are refreshed (<c>PRAGMA optimize</c>), besides at start. Default 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Storage:OptimizeInterval must be between 1 minute and 1 day.")]
    public TimeSpan OptimizeInterval { get; init; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == StorageProvider.SqlServer && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("Storage:ConnectionString is required when Storage:Provider is SqlServer (Server=…;Database=…;…; the database must exist).", [nameof(ConnectionString)]);
        }
    }
}

public enum StorageProvider
{
    Sqlite,
    SqlServer,
}
