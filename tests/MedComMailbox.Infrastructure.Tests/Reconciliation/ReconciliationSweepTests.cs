using Dapper;
using MedComMailbox.Contracts;
using MedComMailbox.Infrastructure.Alerts;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Reconciliation;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MedComMailbox.Infrastructure.Tests.Reconciliation;

/// <summary>The reconciliation sweep on a real SQLite file with a fake clock: what it republishes, what it counts, and the one alert per episode.</summary>
public sealed class ReconciliationSweepTests : IDisposable
{
    private static readonly TimeSpan After = TimeSpan.FromMinutes(10);
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"medcom-reconcile-{Guid.NewGuid():N}.db");
    private readonly MailboxDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly TelemetryGauges _gauges = new();
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ReconciliationSweep _sweep;
    private readonly OverdueDeadlines _deadlines = new();

    /// <summary>The workflow's answer about its deadlines table, as the test sets it.</summary>
    private sealed class OverdueDeadlines : IOverdueDeadlines
    {
        public (long Count, long? OldestDueAt) Answer { get; set; }

        public long? AskedBefore { get; private set; }

        public Task<(long Count, long? OldestDueAt)> OverdueAsync(long dueBefore, CancellationToken cancellationToken)
        {
            AskedBefore = dueBefore;
            return Task.FromResult(Answer);
        }
    }

    public ReconciliationSweepTests()
    {
        _database = new MailboxDatabase(SqlDialect.Create(StorageProvider.Sqlite, $"Data Source={_file}"));
        _database.Migrate(NullLogger.Instance);
        _sweep = new ReconciliationSweep(
            _database, new OutboxStore(_database), _deadlines, new OutboxSignal(), _gauges, new MailboxTelemetry(_meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), _gauges),
            Options.Create(new ReconciliationOptions { After = After, AlertThreshold = 2 }), _time, NullLogger<ReconciliationSweep>.Instance);
    }

    public void Dispose()
    {
        _meters.Dispose();
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>An accepted inbound message whose MedComMessageReceived row the outbox sent (or not) at <paramref name="dispatchedAt"/>.</summary>
    private async Task<string> Received(bool routed, long? dispatchedAt, string type = "")
    {
        var id = Guid.NewGuid().ToString();
        await using var c = await _database.OpenAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO messages (id, direction, status, channel, received_at, kind, syntax, size_bytes, raw_sha256, raw, routed_at)
            VALUES (@id, 'in', 'accepted', 'http', @now, 'CareCommunication', 'FhirJson', 1, 'x', @raw, @routed)
            """,
            new { id, now = Now, raw = new byte[] { 1 }, routed = routed ? Now : (long?)null });
        await c.ExecuteAsync(
            "INSERT INTO outbox (message_id, kind, type, payload, created_at, due_at, attempts, dispatched_at) VALUES (@id, 'publish', @type, @payload, @now, @now, 1, @dispatchedAt)",
            new { id, type = type.Length > 0 ? type : typeof(MedComMessageReceived).FullName, payload = new byte[] { 1 }, now = Now, dispatchedAt });
        return id;
    }

    private async Task<long?> DispatchedAt(string messageId)
    {
        await using var c = await _database.OpenAsync();
        return await c.ExecuteScalarAsync<long?>("SELECT dispatched_at FROM outbox WHERE message_id = @messageId", new { messageId });
    }

    [Fact]
    public async Task A_message_not_routed_after_the_age_is_published_again_once_per_period_and_a_routed_one_never()
    {
        var lost = await Received(routed: false, dispatchedAt: Now);
        var routed = await Received(routed: true, dispatchedAt: Now);
        var acknowledgement = await Received(routed: false, dispatchedAt: Now, type: typeof(MedComAcknowledgementReceived).FullName!);

        _time.Advance(After - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await _sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(0, (await _sweep.ReadAsync(CancellationToken.None)).Total);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await _sweep.SweepAsync(CancellationToken.None));
        Assert.Null(await DispatchedAt(lost));
        Assert.NotNull(await DispatchedAt(routed));
        Assert.NotNull(await DispatchedAt(acknowledgement));
        Assert.Equal(1, _gauges.ReconciliationDrift);
        Assert.Equal(After.TotalSeconds + 1, _gauges.ReconciliationOldestSeconds, 3);

        // Pending again: the dispatcher's, not the sweep's. Once sent again, it waits another period.
        Assert.Equal(0, await _sweep.SweepAsync(CancellationToken.None));
        await using (var c = await _database.OpenAsync())
        {
            await c.ExecuteAsync("UPDATE outbox SET dispatched_at = @now WHERE message_id = @lost", new { now = Now, lost });
        }

        _time.Advance(After - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await _sweep.SweepAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await _sweep.SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Effects_not_carried_out_count_as_drift_with_the_oldest_age()
    {
        var start = Now;
        await using (var c = await _database.OpenAsync())
        {
            await c.ExecuteAsync("INSERT INTO outbox (message_id, kind, type, payload, created_at, due_at) VALUES ('m', 'deliver', 'Acknowledgement', @p, @now, @now)", new { p = new byte[] { 1 }, now = start });
        }

        _deadlines.Answer = (1, start + 60_000);

        _time.Advance(After + TimeSpan.FromMinutes(2));
        var drift = await _sweep.ReadAsync(CancellationToken.None);

        Assert.Equal((0L, 1L, 1L, 2L), (drift.UnroutedMessages, drift.PendingOutbox, drift.OverdueDeadlines, drift.Total));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(start), drift.Oldest);
        Assert.Equal(Now - (long)After.TotalMilliseconds, _deadlines.AskedBefore); // the same cutoff as the outbox rows
    }

    [Fact]
    public async Task The_webhook_announces_a_drift_episode_once_and_a_new_one_after_the_drift_fell_below_the_threshold()
    {
        using var receiver = WireMockServer.Start();
        receiver.Given(Request.Create().WithPath("/hooks").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Alerts:WebhookUrl"] = receiver.Url + "/hooks" }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging().AddSingleton(_database).AddSingleton<TimeProvider>(_time);
        services.AddMailboxAlerts(config);
        await using var provider = services.BuildServiceProvider();
        var webhook = provider.GetRequiredService<FailureWebhook>();

        await Received(routed: false, dispatchedAt: Now);
        _time.Advance(After + TimeSpan.FromSeconds(1));
        await _sweep.SweepAsync(CancellationToken.None);
        Assert.Equal(0, await webhook.SweepAsync(CancellationToken.None)); // one item: below the threshold of 2

        await Received(routed: false, dispatchedAt: Now);
        _time.Advance(After + TimeSpan.FromSeconds(1));
        await _sweep.SweepAsync(CancellationToken.None);
        await _sweep.SweepAsync(CancellationToken.None);
        Assert.Equal(1, await webhook.SweepAsync(CancellationToken.None));
        await _sweep.SweepAsync(CancellationToken.None);
        Assert.Equal(0, await webhook.SweepAsync(CancellationToken.None)); // the same episode

        await using (var c = await _database.OpenAsync())
        {
            await c.ExecuteAsync("UPDATE messages SET routed_at = @now", new { now = Now });
        }

        await _sweep.SweepAsync(CancellationToken.None); // drift 0: the episode ends
        Assert.Equal(0, _gauges.ReconciliationDrift);

        await Received(routed: false, dispatchedAt: Now);
        await Received(routed: false, dispatchedAt: Now);
        _time.Advance(After + TimeSpan.FromSeconds(1));
        await _sweep.SweepAsync(CancellationToken.None);
        Assert.Equal(1, await webhook.SweepAsync(CancellationToken.None)); // a new episode
        var kinds = receiver.LogEntries.Select(e => System.Text.Json.JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty("kind").GetString()).ToList();
        Assert.Equal([AlertKinds.ReconciliationDrift, AlertKinds.ReconciliationDrift], kinds);
    }
}
