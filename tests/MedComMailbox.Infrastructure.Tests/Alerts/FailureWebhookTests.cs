using System.Text.Json;
using Dapper;
using MedComMailbox.Infrastructure.Alerts;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Tests.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MedComMailbox.Infrastructure.Tests.Alerts;

/// <summary>The failure webhook against a WireMock receiver: each failure once, retried through Polly, no personal data.</summary>
public sealed class FailureWebhookTests : IDisposable
{
    private const string Cpr = "1201149996";
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"medcom-alerts-{Guid.NewGuid():N}.db");
    private readonly MailboxDatabase _database;
    private readonly WireMockServer _receiver = WireMockServer.Start();
    private readonly ServiceProvider _provider;
    private readonly FailedLetters _letters = new();

    /// <summary>The workflow's letters table as a source of failures (it answers the same way, since the lookback).</summary>
    private sealed class FailedLetters : IFailureSource
    {
        public List<FailureCandidate> Failed { get; } = [];

        public string Kind => AlertKinds.LetterFailed;

        public Task<IReadOnlyList<FailureCandidate>> FailuresSinceAsync(long since, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<FailureCandidate>>(Failed.Where(f => f.At >= since).ToList());
    }

    public FailureWebhookTests()
    {
        _database = new MailboxDatabase(SqlDialect.Create(StorageProvider.Sqlite, $"Data Source={_file}"));
        _database.Migrate(NullLogger.Instance);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = _receiver.Url + "/hooks/medcom",
            ["Alerts:RetryDelay"] = "00:00:00.010",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging().AddSingleton(_database).AddSingleton<IFailureSource>(_letters);
        services.AddMailboxAlerts(config);
        _provider = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _provider.Dispose();
        _receiver.Stop();
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    private FailureWebhook Webhook => _provider.GetRequiredService<FailureWebhook>();

    private static long Ago(TimeSpan age) => DateTimeOffset.UtcNow.Subtract(age).ToUnixTimeMilliseconds();

    private async Task Failures(TimeSpan age)
    {
        await using var c = await _database.OpenAsync();
        var at = Ago(age);
        await c.ExecuteAsync(
            """
            INSERT INTO messages (id, direction, status, channel, received_at, kind, syntax, mailbox_gln, patient_cpr, size_bytes, raw_sha256, raw, last_sent_at)
            VALUES ('11111111-1111-1111-1111-111111111111', 'in', 'rejected', 'http', @at, 'CareCommunication', 'FhirJson', '5790000991006', @cpr, 1, 'x', @raw, NULL),
                   ('22222222-2222-2222-2222-222222222222', 'out', 'flagged', 'app', @at, 'CareCommunication', 'FhirJson', '5790000991006', @cpr, 1, 'x', @raw, @at),
                   ('44444444-4444-4444-4444-444444444444', 'in', 'accepted', 'http', @at, 'CareCommunication', 'FhirJson', '5790000991006', @cpr, 1, 'x', @raw, NULL)
            """,
            new { at, cpr = Cpr, raw = new byte[] { 1 } });
        _letters.Failed.Add(new FailureCandidate("33333333-3333-3333-3333-333333333333", at, "5790000991006"));
    }

    private List<JsonElement> Posted() =>
        _receiver.LogEntries.Where(e => Equals(e.ResponseMessage.StatusCode, 200)).Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.Clone()).ToList();

    [Fact]
    public async Task Each_failure_is_posted_once_without_personal_data()
    {
        _receiver.Given(Request.Create().WithPath("/hooks/medcom").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await Failures(TimeSpan.FromMinutes(5));

        Assert.Equal(3, await Webhook.SweepAsync(CancellationToken.None));
        Assert.Equal(0, await Webhook.SweepAsync(CancellationToken.None));

        var posted = Posted();
        Assert.Equal(
            ["letter-failed 33333333-3333-3333-3333-333333333333", "message-rejected 11111111-1111-1111-1111-111111111111", "outbound-flagged 22222222-2222-2222-2222-222222222222"],
            posted.Select(p => $"{p.GetProperty("kind").GetString()} {p.GetProperty("id").GetString()}").Order(StringComparer.Ordinal));
        Assert.All(posted, p => Assert.True(p.TryGetProperty("time", out _)));
        Assert.All(_receiver.LogEntries, e =>
        {
            Assert.DoesNotContain(Cpr, e.RequestMessage.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("Hansen", e.RequestMessage.Body, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_receiver_that_fails_once_gets_the_alert_on_polly_retry()
    {
        _receiver.Given(Request.Create().WithPath("/hooks/medcom").UsingPost()).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503));
        _receiver.Given(Request.Create().WithPath("/hooks/medcom").UsingPost()).InScenario("flaky").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200));
        await Failures(TimeSpan.FromMinutes(5));

        // Without the retry the first alert would wait for the next sweep: three delivered in one sweep proves it.
        Assert.Equal(3, await Webhook.SweepAsync(CancellationToken.None));
        Assert.Contains(_receiver.LogEntries, e => Equals(e.ResponseMessage.StatusCode, 503));
        Assert.Equal(3, _receiver.LogEntries.Count(e => Equals(e.ResponseMessage.StatusCode, 200)));
    }

    [Fact]
    public async Task A_receiver_that_stays_down_gets_the_alerts_on_a_later_sweep()
    {
        _receiver.Given(Request.Create().WithPath("/hooks/medcom").UsingPost()).RespondWith(Response.Create().WithStatusCode(500));
        await Failures(TimeSpan.FromMinutes(5));

        Assert.Equal(0, await Webhook.SweepAsync(CancellationToken.None));

        _receiver.Reset();
        _receiver.Given(Request.Create().WithPath("/hooks/medcom").UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        Assert.Equal(3, await Webhook.SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Failures_older_than_the_lookback_are_not_replayed()
    {
        _receiver.Given(Request.Create().WithPath("/hooks/medcom").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await Failures(TimeSpan.FromDays(8));

        Assert.Equal(0, await Webhook.SweepAsync(CancellationToken.None));
        Assert.Empty(_receiver.LogEntries);
    }

    [Fact]
    public void A_plain_http_webhook_is_refused_outside_localhost() =>
        Assert.Contains("Alerts:WebhookUrl 'http://drift.example/hook' must be an absolute https address (http only for localhost).",
            StartupValidation.Failures(StartupValidation.Valid(("Alerts:WebhookUrl", "http://drift.example/hook")), (s, c) => s.AddMailboxAlerts(c)));
}
