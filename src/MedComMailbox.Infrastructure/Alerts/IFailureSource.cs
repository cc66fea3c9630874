namespace MedComMailbox.Infrastructure.Alerts;

/// <summary>One failure to announce: its id, when it happened (Unix ms), the mailbox it concerns. Never about whom.</summary>
public sealed record FailureCandidate(string Id, long At, string? Mailbox);

/// <summary>
/// Failures kept in a table another project owns (a letter failed for good is the workflow's): the owner finds them and
/// <see cref="FailureWebhook"/> announces each once, as it does the failures in its own tables.
/// </summary>
public interface IFailureSource
{
    /// <summary>The alert kind (<see cref="AlertKinds"/>) of the failures this source finds.</summary>
    string Kind { get; }

    /// <summary>The failures that happened at or after <paramref name="since"/> (Unix ms).</summary>
    Task<IReadOnlyList<FailureCandidate>> FailuresSinceAsync(long since, CancellationToken cancellationToken);
}
