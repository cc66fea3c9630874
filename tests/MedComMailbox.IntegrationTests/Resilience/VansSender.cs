using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MedComMailbox.IntegrationTests.Resilience;

/// <summary>What a load run saw at the HTTP edge.</summary>
internal sealed class LoadStats
{
    private int _accepted;
    private int _duplicates;
    private int _retries;
    private int _unavailable;

    public int Accepted => _accepted;

    /// <summary>200 duplicate: the sender had not seen our first answer (connection lost) and sent the message again.</summary>
    public int Duplicates => _duplicates;

    /// <summary>Sends repeated after a connection error, a timeout or a 503.</summary>
    public int Retries => _retries;

    /// <summary>503 storage unavailable answers (also counted in <see cref="Retries"/>).</summary>
    public int Unavailable => _unavailable;

    public ConcurrentQueue<string> Errors { get; } = new();

    public TimeSpan Elapsed { get; set; }

    public void CountAccepted() => Interlocked.Increment(ref _accepted);

    public void CountDuplicate() => Interlocked.Increment(ref _duplicates);

    public void CountRetry() => Interlocked.Increment(ref _retries);

    public void CountUnavailable() => Interlocked.Increment(ref _unavailable);
}

/// <summary>
/// Sends MedCom messages the way a VANS provider does: each message again and again until the mailbox answers
/// 202 (stored) or 200 (stored before). Connection errors, timeouts and 503 mean "not stored, try again".
/// </summary>
internal sealed class VansSender : IDisposable
{
    private readonly HttpClient _http;

    public VansSender(Uri baseAddress)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(3) };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
    }

    /// <param name="spread">When set, message i is not sent before i/N of this time has passed, so the load spans it (e.g. several kills).</param>
    public async Task<LoadStats> SendAllAsync(IReadOnlyList<TestMessage> messages, int senders, TimeSpan deadline, TimeSpan? spread = null)
    {
        var stats = new LoadStats();
        using var overall = new CancellationTokenSource(deadline);
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages.Count)
            {
                if (spread is { } span && span * i / messages.Count - clock.Elapsed is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, overall.Token);
                }

                await SendOneAsync(messages[i], stats, overall.Token);
            }
        }));
        await Task.WhenAll(workers);
        stats.Elapsed = clock.Elapsed;
        return stats;
    }

    private async Task SendOneAsync(TestMessage message, LoadStats stats, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                stats.CountRetry();
                await Task.Delay(Math.Min(500, 50 * attempt), cancellationToken);
            }

            HttpResponseMessage response;
            try
            {
                using var content = new ByteArrayContent(message.Body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
                response = await _http.PostAsync(new Uri("api/intake", UriKind.Relative), content, cancellationToken);
            }
            catch (HttpRequestException)
            {
                continue;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                continue;
            }

            using (response)
            {
                string body;
                try
                {
                    body = await response.Content.ReadAsStringAsync(cancellationToken);
                }
                catch (HttpRequestException)
                {
                    continue;
                }

                switch (response.StatusCode)
                {
                    case HttpStatusCode.Accepted:
                    case HttpStatusCode.OK:
                        var answer = JsonDocument.Parse(body).RootElement;
                        var outcome = answer.GetProperty("outcome").GetString();
                        var answered = answer.GetProperty("medcomMessageId").GetString();
                        if (!string.Equals(answered, message.HeaderId, StringComparison.Ordinal) ||
                            outcome != (response.StatusCode == HttpStatusCode.Accepted ? "accepted" : "duplicate"))
                        {
                            stats.Errors.Enqueue($"{message.HeaderId}: {(int)response.StatusCode} {body}");
                        }

                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            stats.CountAccepted();
                        }
                        else
                        {
                            stats.CountDuplicate();
                        }

                        return;
                    case HttpStatusCode.ServiceUnavailable:
                        stats.CountUnavailable();
                        continue;
                    default:
                        stats.Errors.Enqueue($"{message.HeaderId}: unexpected {(int)response.StatusCode} {body}");
                        return;
                }
            }
        }
    }

    public void Dispose() => _http.Dispose();
}
