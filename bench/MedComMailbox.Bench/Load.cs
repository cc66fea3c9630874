using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MedComMailbox.Bench;

/// <summary>One request: when it finished (seconds since the run's clock started), how long it took, and its answer.</summary>
internal readonly record struct Sample(double At, double LatencyMs, int Status);

/// <summary>What one load phase saw.</summary>
internal sealed class LoadResult
{
    public required string Target { get; init; }

    public required int Messages { get; init; }

    public required int Concurrency { get; init; }

    public required double ElapsedSeconds { get; init; }

    public required IReadOnlyList<Sample> Samples { get; init; }

    public int Retries503 { get; init; }

    public IReadOnlyList<string> Errors { get; init; } = [];

    public double PerSecond => Messages / ElapsedSeconds;

    public double Percentile(double p) => Stats.Percentile(Samples.Where(s => s.Status is 200 or 202).Select(s => s.LatencyMs), p);
}

/// <summary>
/// Sends the messages with a fixed number of concurrent senders to one path and times each answer. For the intake the
/// answer carries the acknowledgement (202 accepted, with the acknowledgement's id), so its latency is the
/// acknowledgement latency. A 503 (storage busy) is sent again, as a VANS provider would, and counted.
/// </summary>
internal static class LoadGenerator
{
    /// <param name="rate">When above 0, message i is not sent before i / rate seconds (an open-loop arrival rate below capacity,
    /// for latency without a backlog); otherwise as fast as the senders go (throughput).</param>
    public static async Task<LoadResult> RunAsync(Uri baseAddress, string path, IReadOnlyList<LoadMessage> messages, int concurrency, Stopwatch clock, bool checkAnswers, double rate = 0)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
        var samples = new ConcurrentBag<Sample>();
        var errors = new ConcurrentQueue<string>();
        var retries = 0;
        var next = -1;
        var started = clock.Elapsed;
        var senders = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages.Count)
            {
                var message = messages[i];
                if (rate > 0 && started + TimeSpan.FromSeconds(i / rate) - clock.Elapsed is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait);
                }

                for (var attempt = 1; ; attempt++)
                {
                    var begin = clock.Elapsed;
                    using var content = new ByteArrayContent(message.Body);
                    content.Headers.ContentType = new MediaTypeHeaderValue(message.ContentType);
                    try
                    {
                        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content);
                        var body = await response.Content.ReadAsStringAsync();
                        var end = clock.Elapsed;
                        samples.Add(new Sample(end.TotalSeconds, (end - begin).TotalMilliseconds, (int)response.StatusCode));
                        if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 50)
                        {
                            Interlocked.Increment(ref retries);
                            await Task.Delay(100 * attempt);
                            continue;
                        }

                        if (checkAnswers && Check(message, response.StatusCode, body) is { } problem)
                        {
                            errors.Enqueue(problem);
                        }
                    }
                    catch (HttpRequestException e)
                    {
                        errors.Enqueue($"#{message.Number}: {e.GetType().Name}");
                    }

                    break;
                }
            }
        })).ToList();
        await Task.WhenAll(senders);
        return new LoadResult
        {
            Target = path,
            Messages = messages.Count,
            Concurrency = concurrency,
            ElapsedSeconds = (clock.Elapsed - started).TotalSeconds,
            Samples = [.. samples.OrderBy(s => s.At)],
            Retries503 = retries,
            Errors = [.. errors],
        };
    }

    /// <summary>202 accepted with an ok acknowledgement for this message's id; anything else is an error of the run.</summary>
    private static string? Check(LoadMessage message, HttpStatusCode status, string body)
    {
        if (status != HttpStatusCode.Accepted)
        {
            return $"#{message.Number} {message.Kind}: {(int)status} {body[..Math.Min(body.Length, 300)]}";
        }

        using var answer = JsonDocument.Parse(body);
        var root = answer.RootElement;
        var id = root.GetProperty("medcomMessageId").GetString();
        var code = root.TryGetProperty("acknowledgementCode", out var c) ? c.GetString() : null;
        var expected = message.Kind == LoadKind.OioXml ? null : "ok";
        return id == message.MessageId && (expected is null || code == expected) ? null : $"#{message.Number}: answered {id} {code}";
    }
}

internal static class Stats
{
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1);
        return sorted[rank];
    }
}
