using System.Net.Http.Json;
using Dapper;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Alerts;

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
/// Finds failures in the durable state (an outbound message flagged after its resends, an inbound message rejected, a
/// reconciliation drift episode; and, from the <see cref="IFailureSource"/>s of the tables other projects own, a letter
/// failed for good) and posts each once to <c>Alerts:WebhookUrl</c>. A failure is claimed in <c>alerts_sent</c>
/// before the post and marked sent after a 2xx; a failed post releases the claim, so the next sweep tries again.
/// </summary>
public sealed partial class FailureWebhook(MailboxDatabase database, IEnumerable<IFailureSource> sources, IHttpClientFactory http, IOptions<AlertOptions> options, TimeProvider time, ILogger<FailureWebhook> logger)
{
    public const string HttpClientName = "alerts";
    private const int BatchSize = 100;
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
        foreach (var source in sources)
        {
            delivered += await DeliverAsync(source.Kind, await NotAnnouncedAsync(source.Kind, await source.FailuresSinceAsync(since, cancellationToken), cancellationToken), cancellationToken);
        }

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
        List<FailureCandidate> candidates;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            candidates = (await connection.QueryAsync<Candidate>(
                database.Dialect.Limit(
                    $"""
                    SELECT f.id, f.at, f.mailbox FROM ({select}) f
                    WHERE NOT EXISTS (SELECT 1 FROM alerts_sent a WHERE a.kind = @kind AND a.target_id = f.id AND (a.sent_at IS NOT NULL OR a.claimed_at >= @stale))
                    ORDER BY f.at
                    """,
                    BatchSize),
                new { since, kind, stale = StaleBefore() })).Select(c => new FailureCandidate(c.Id, c.At, c.Mailbox)).ToList();
        }

        return await DeliverAsync(kind, candidates, cancellationToken);
    }

    /// <summary>A source's failures less those announced or being announced (as the query above leaves them out), oldest first, at most a batch.</summary>
    private async Task<List<FailureCandidate>> NotAnnouncedAsync(string kind, IReadOnlyList<FailureCandidate> failures, CancellationToken cancellationToken)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var ids in failures.Select(f => f.Id).Distinct(StringComparer.Ordinal).Chunk(500))
        {
            taken.UnionWith(await connection.QueryAsync<string>(
                "SELECT target_id FROM alerts_sent WHERE kind = @kind AND target_id IN @ids AND (sent_at IS NOT NULL OR claimed_at >= @stale)",
                new { kind, ids, stale = StaleBefore() }));
        }

        return failures.Where(f => !taken.Contains(f.Id)).OrderBy(f => f.At).Take(BatchSize).ToList();
    }

    private long StaleBefore() => time.GetUtcNow().Subtract(StaleClaim).ToUnixTimeMilliseconds();

    private async Task<int> DeliverAsync(string kind, List<FailureCandidate> candidates, CancellationToken cancellationToken)
    {
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
public sealed partial class FailureWebhookService(FailureWebhook webhook, IOptions<AlertOptions> options, TimeProvider time, ILogger<FailureWebhookService> logger)
    : PeriodicBackgroundService(time)
{
    protected override TimeSpan Interval => options.Value.PollInterval;

    protected override bool RunsAtStart => false;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => webhook.SweepAsync(cancellationToken);

    protected override void LogFailed(Exception exception) => LogFailed(logger, exception.GetType().Name);

    [LoggerMessage(Level = LogLevel.Error, Message = "The failure webhook sweep failed ({ExceptionType}); retrying")]
    private static partial void LogFailed(ILogger logger, string exceptionType);
}
