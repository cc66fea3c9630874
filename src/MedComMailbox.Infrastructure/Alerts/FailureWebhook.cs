using System.ComponentModel.DataAnnotations;
using System.Net.Http.Json;
using Dapper;
using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

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

/// <summary>The webhook's body: what failed and when, never about whom.</summary>
public sealed record FailureAlert(string Kind, string Id, DateTimeOffset Time, string? Mailbox, string Service = "medcommailbox");

public static class AlertKinds
{
    public const string LetterFailed = "letter-failed";
    public const string OutboundFlagged = "outbound-flagged";
    public const string MessageRejected = "message-rejected";

    /// <summary>The reconciliation drift reached Reconciliation:AlertThreshold (once per episode; the id is the episode's).</summary>
    public const string ReconciliationDrift = "reconciliation-drift";
}

/// <summary>
/// Finds failures in the durable state (a letter failed for good, an outbound message flagged after its resends, an
/// inbound message rejected, a reconciliation drift episode) and posts each once to <c>Alerts:WebhookUrl</c>. A failure is claimed in <c>alerts_sent</c>
/// before the post and marked sent after a 2xx; a failed post releases the claim, so the next sweep tries again.
/// </summary>
public sealed partial class FailureWebhook(MailboxDatabase database, IHttpClientFactory http, IOptions<AlertOptions> options, TimeProvider time, ILogger<FailureWebhook> logger)
{
    public const string HttpClientName = "alerts";
    private static readonly TimeSpan StaleClaim = TimeSpan.FromMinutes(5);

    private sealed class Candidate
    {
        public string Id { get; set; } = "";
        public long At { get; set; }
        public string? Mailbox { get; set; }
    }

    /// <summary>One sweep; returns how many alerts were delivered.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.WebhookUrl))
        {
            return 0;
        }

        var since = time.GetUtcNow().Subtract(options.Value.Lookback).ToUnixTimeMilliseconds();
        var delivered = 0;
        delivered += await AnnounceAsync(AlertKinds.LetterFailed,
            "SELECT l.id, COALESCE(l.status_at, l.created_at) AS at, c.mailbox_gln AS mailbox FROM letters l LEFT JOIN cases c ON c.id = l.case_id WHERE l.status = 'failed' AND COALESCE(l.status_at, l.created_at) >= @since",
            since, cancellationToken);
        delivered += await AnnounceAsync(AlertKinds.OutboundFlagged,
            "SELECT id, COALESCE(last_sent_at, received_at) AS at, mailbox_gln AS mailbox FROM messages WHERE direction = 'out' AND status = 'flagged' AND COALESCE(last_sent_at, received_at) >= @since",
            since, cancellationToken);
        delivered += await AnnounceAsync(AlertKinds.MessageRejected,
            "SELECT id, received_at AS at, mailbox_gln AS mailbox FROM messages WHERE direction = 'in' AND status = 'rejected' AND received_at >= @since",
            since, cancellationToken);
        delivered += await AnnounceAsync(AlertKinds.ReconciliationDrift,
            "SELECT id, started_at AS at, NULL AS mailbox FROM reconciliation_episodes WHERE started_at >= @since",
            since, cancellationToken);
        return delivered;
    }

    private async Task<int> AnnounceAsync(string kind, string select, long since, CancellationToken cancellationToken)
    {
        List<Candidate> candidates;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            candidates = (await connection.QueryAsync<Candidate>(
                database.Dialect.Limit(
                    $"""
                    SELECT f.id, f.at, f.mailbox FROM ({select}) f
                    WHERE NOT EXISTS (SELECT 1 FROM alerts_sent a WHERE a.kind = @kind AND a.target_id = f.id AND (a.sent_at IS NOT NULL OR a.claimed_at >= @stale))
                    ORDER BY f.at
                    """,
                    100),
                new { since, kind, stale = time.GetUtcNow().Subtract(StaleClaim).ToUnixTimeMilliseconds() })).AsList();
        }

        var delivered = 0;
        foreach (var candidate in candidates)
        {
            if (!await ClaimAsync(kind, candidate.Id, cancellationToken))
            {
                continue;
            }

            var alert = new FailureAlert(kind, candidate.Id, DateTimeOffset.FromUnixTimeMilliseconds(candidate.At), candidate.Mailbox);
            var sent = await PostAsync(alert, cancellationToken);
            await using var connection = await database.OpenAsync(CancellationToken.None);
            await connection.ExecuteAsync(
                sent
                    ? "UPDATE alerts_sent SET sent_at = @now WHERE kind = @kind AND target_id = @id"
                    : "DELETE FROM alerts_sent WHERE kind = @kind AND target_id = @id AND sent_at IS NULL",
                new { now = time.GetUtcNow().ToUnixTimeMilliseconds(), kind, id = candidate.Id });
            if (sent)
            {
                delivered++;
                LogSent(logger, kind, candidate.Id);
            }
        }

        return delivered;
    }

    private async Task<bool> ClaimAsync(string kind, string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync("INSERT INTO alerts_sent (kind, target_id, claimed_at) VALUES (@kind, @id, @now)", new { kind, id, now });
            return true;
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            // Another process claimed it; take it over only if that claim went stale (the process died before posting).
            return await connection.ExecuteAsync(
                "UPDATE alerts_sent SET claimed_at = @now WHERE kind = @kind AND target_id = @id AND sent_at IS NULL AND claimed_at < @stale",
                new { kind, id, now, stale = now - (long)StaleClaim.TotalMilliseconds }) == 1;
        }
    }

    private async Task<bool> PostAsync(FailureAlert alert, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.CreateClient(HttpClientName).PostAsJsonAsync(options.Value.WebhookUrl, alert, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            LogRefused(logger, alert.Kind, alert.Id, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogRefused(logger, alert.Kind, alert.Id, 0);
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Kind} for {Id} posted to the webhook")]
    private static partial void LogSent(ILogger logger, string kind, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Kind} for {Id} not accepted by the webhook (HTTP {Status}, 0 = no answer); retried on the next sweep")]
    private static partial void LogRefused(ILogger logger, string kind, string id, int status);
}

/// <summary>Runs <see cref="FailureWebhook"/> every <c>Alerts:PollInterval</c>.</summary>
public sealed partial class FailureWebhookService(FailureWebhook webhook, IOptions<AlertOptions> options, TimeProvider time, ILogger<FailureWebhookService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await webhook.SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The failure webhook sweep failed ({ExceptionType}); retrying")]
    private static partial void LogFailed(ILogger logger, string exceptionType);
}

public static class AlertRegistration
{
    /// <summary>
    /// Options (validated at start), the webhook's HTTP client behind a Polly retry (exponential, jitter) and timeout, and,
    /// when <c>Alerts:WebhookUrl</c> is set, the sweep wherever the consumers run (<c>Bus:RunConsumers</c>).
    /// </summary>
    public static IServiceCollection AddMailboxAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section).ValidateSettings().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FailureWebhook>();
        services.AddHttpClient(FailureWebhook.HttpClientName)
            .AddResilienceHandler("alerts", (pipeline, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptions<AlertOptions>>().Value;
                pipeline
                    .AddTimeout(TimeSpan.FromSeconds(60))
                    .AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 4, Delay = o.RetryDelay, BackoffType = DelayBackoffType.Exponential, UseJitter = true })
                    .AddTimeout(TimeSpan.FromSeconds(10));
            });

        var alerts = configuration.GetSection(AlertOptions.Section).Get<AlertOptions>();
        var runConsumers = BusOptions.RunsConsumers(configuration);
        if (!string.IsNullOrWhiteSpace(alerts?.WebhookUrl) && runConsumers)
        {
            services.AddHostedService<FailureWebhookService>();
        }

        return services;
    }
}
