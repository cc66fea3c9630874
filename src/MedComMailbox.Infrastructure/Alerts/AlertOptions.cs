using System.ComponentModel.DataAnnotations;
using MedComMailbox.Infrastructure.Configuration;

namespace MedComMailbox.Infrastructure.Alerts;

/// <summary>Section <c>Alerts</c>: the operators' webhook for failures (chat, ticket system, on-call tool).</summary>
public sealed class AlertOptions : IValidatableObject
{
    public const string Section = "Alerts";

    /// <summary>Where failures are POSTed as JSON. Empty: no webhook.</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>How often the failures are looked for.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Failures older than this are not announced (when the webhook is first configured, the history is not replayed beyond it).</summary>
    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The first retry's delay; later retries back off exponentially (with jitter).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(WebhookUrl) && SettingRules.HttpsUrl("Alerts:WebhookUrl", WebhookUrl) is { } problem)
        {
            yield return new ValidationResult(problem);
        }

        if (PollInterval < TimeSpan.FromSeconds(1) || PollInterval > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult($"Alerts:PollInterval {PollInterval} must be between 1 second and 1 hour.");
        }

        if (Lookback < TimeSpan.FromHours(1) || Lookback > TimeSpan.FromDays(90))
        {
            yield return new ValidationResult($"Alerts:Lookback {Lookback} must be between 1 hour and 90 days.");
        }

        if (RetryDelay < TimeSpan.FromMilliseconds(10) || RetryDelay > TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult($"Alerts:RetryDelay {RetryDelay} must be between 10 ms and 1 minute.");
        }
    }
}
