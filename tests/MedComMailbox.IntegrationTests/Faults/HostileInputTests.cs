using System.Diagnostics;
using System.Net;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using Xunit.Abstractions;

namespace MedComMailbox.IntegrationTests.Faults;

/// <summary>
/// The short version of <c>bench faults hostile</c> (which sends 10,000 to a separate process and watches its memory):
/// every kind of malformed or hostile input, a few of each, against the real host. Each must get a clear 4xx (422 with the
/// negative acknowledgement when the sender can be identified), never a 5xx; the host must still accept a valid message
/// afterwards, and no CPR number from the inputs may reach the log.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output) : IDisposable
{
    private const int PerKind = 4;
    private readonly MailboxApp _app = new(new Dictionary<string, string?> { ["Vans:InboundFolder"] = "" });

    [Fact]
    public async Task Every_malformed_or_hostile_input_gets_a_clear_refusal_and_never_a_5xx()
    {
        var seed = Environment.TickCount & 0x7fffffff;
        var generator = new HostileInputs(seed);
        var problems = new List<string>();
        var statuses = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        using var client = _app.CreateClient();
        var number = 0;
        foreach (var kind in HostileInputs.Kinds)
        {
            for (var i = 0; i < PerKind; i++)
            {
                var input = generator.Create(number++, kind);
                using var content = new ByteArrayContent(input.Body);
                if (input.ContentType is not null)
                {
                    content.Headers.TryAddWithoutValidation("Content-Type", input.ContentType);
                }

                using var response = await client.PostAsync(new Uri("/api/intake", UriKind.Relative), content);
                var body = await response.Content.ReadAsStringAsync();
                (statuses.TryGetValue(kind, out var list) ? list : statuses[kind] = []).Add((int)response.StatusCode);
                if (HostileInputs.Check(input, (int)response.StatusCode, body) is { } problem)
                {
                    problems.Add(problem + " " + body[..Math.Min(300, body.Length)]);
                }
            }
        }

        output.WriteLine($"seed {seed}, {number} inputs in {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var (kind, codes) in statuses)
        {
            output.WriteLine($"{kind,-24} {string.Join(' ', codes)}");
        }

        Assert.Empty(problems);
        // Nothing was stored as accepted without the sender being told so (and only inputs that may be valid were: see Check).
        Assert.Equal(statuses.Values.Sum(codes => codes.Count(c => c == 202)), await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'accepted'"));

        var (valid, _) = Samples.FreshReferral();
        using var after = await _app.PostAsync("/api/intake", valid, "application/fhir+json");
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        Assert.DoesNotContain(_app.Logs, line => line.Contains("1201149996", StringComparison.Ordinal) || line.Contains("1704109996", StringComparison.Ordinal));
    }

    [Fact]
    public void The_generator_is_reproducible_from_its_seed_and_covers_every_kind()
    {
        var first = new HostileInputs(42).Generate(HostileInputs.Kinds.Length * 2).ToList();
        var second = new HostileInputs(42).Generate(HostileInputs.Kinds.Length * 2).ToList();

        Assert.Equal(HostileInputs.Kinds, first.Select(i => i.Kind).Distinct());
        // Fresh GUIDs differ between runs by design; the shape (kind, length class, content type) does not.
        Assert.Equal(first.Select(i => (i.Kind, i.ContentType, i.MayBeValid)), second.Select(i => (i.Kind, i.ContentType, i.MayBeValid)));
        Assert.All(first.Where(i => i.Kind == "oversize"), i => Assert.True(i.Body.Length > 20 * 1024 * 1024));
        Assert.All(first.Where(i => i.Kind is "dtd-xxe" or "billion-laughs" or "envelope-dtd" or "oioxml-dtd"), i => Assert.Contains("<!DOCTYPE", System.Text.Encoding.UTF8.GetString(i.Body), StringComparison.Ordinal));
    }

    public void Dispose() => _app.Dispose();
}
