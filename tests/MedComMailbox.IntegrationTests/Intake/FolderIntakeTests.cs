using DbUp;
using DbUp.Builder;
using MedComMailbox.Infrastructure.Intake;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.MedCom;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Intake;

/// <summary>The VANS provider's drop folder: each file taken once, archived only after it is stored, kept when storing fails.</summary>
public sealed class FolderIntakeTests : IDisposable
{
    private readonly FlakyDialect? _dialect;
    private readonly MailboxApp _app;

    public FolderIntakeTests()
    {
        _app = new MailboxApp(
            new Dictionary<string, string?> { ["Vans:PollInterval"] = "01:00:00" },
            services => services.AddSingleton(_ => new MailboxDatabase(_dialect!)));
        _dialect = new FlakyDialect($"Data Source={_app.DatabasePath}");
        _ = _app.Server; // start the host (schema applied)
    }

    public void Dispose() => _app.Dispose();

    private InboundFolderWatcher Watcher => _app.Services.GetRequiredService<InboundFolderWatcher>();

    private void Drop(string name, byte[] body)
    {
        Directory.CreateDirectory(_app.Inbound);
        File.WriteAllBytes(Path.Combine(_app.Inbound, name), body);
    }

    private string[] Archived() => Directory.Exists(_app.Archive) ? Directory.GetFiles(_app.Archive, "*", SearchOption.AllDirectories) : [];

    [Fact]
    public async Task Files_are_stored_then_archived_and_a_second_copy_is_a_duplicate()
    {
        Drop("referral.json", Samples.Referral);
        Drop("letter.xml", Samples.Read("oioxml/xdis91-letter-from-gp.xml"));
        Drop("referral.vans.xml", Samples.Read("vans/gp-referral-child.vans.xml"));
        Drop(".hidden-partial", Samples.Referral);

        var taken = await Watcher.ScanAsync(CancellationToken.None);

        Assert.Equal(3, taken);
        Assert.Equal([".hidden-partial"], Directory.GetFiles(_app.Inbound).Select(Path.GetFileName));
        Assert.Equal(3, Archived().Length);
        Assert.Equal(2, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in'"));
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT duplicate_count FROM messages WHERE message_id = @id", new { id = Samples.ReferralHeaderId }));
        Assert.Equal(["folder"], (await _app.QueryAsync<string>("SELECT DISTINCT channel FROM messages WHERE direction = 'in'")).ToArray());
        await MailboxApp.Eventually(
            () => _app.OutboundAnswers().Count(a => a.Summary.Kind is MedComMessageKind.Acknowledgement or MedComMessageKind.OioXmlReceipt) == 3,
            "two ok acknowledgements and one positive receipt");
    }

    [Fact]
    public async Task Invalid_files_are_kept_answered_and_archived_and_oversized_ones_set_aside()
    {
        Drop("unknown-receiver.json", Samples.Read("invalid/receiver-unknown.json"));
        Drop("bad-letter.xml", Samples.Read("invalid/oioxml-text-missing.xml"));
        Drop("xxe.xml", Samples.Read("invalid/xml-dtd-forbidden.xml"));
        Drop("huge.json", new byte[21 * 1024 * 1024]);

        await Watcher.ScanAsync(CancellationToken.None);

        Assert.Empty(Directory.GetFiles(_app.Inbound));
        Assert.Equal(3, Archived().Length);
        Assert.Single(Directory.GetFiles(_app.Rejected, "*", SearchOption.AllDirectories));
        // The readable two are kept as rejected messages; the XXE letter cannot be parsed at all and goes to the quarantine.
        Assert.Equal(2, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE status = 'rejected'"));
        Assert.Single(Directory.GetFiles(Path.Combine(_app.DataDirectory, "quarantine"), "*.bin"));
        await MailboxApp.Eventually(
            () => _app.OutboundAnswers().Count(a => a.Summary.AcknowledgementCode is "fatal-error" or "negative") == 2,
            "a fatal-error acknowledgement and a negative receipt");
    }

    [Fact]
    public async Task When_storage_fails_the_file_stays_a_transient_error_goes_out_and_ok_follows_once_stored()
    {
        Drop("referral.json", Samples.Referral);
        _dialect!.Failing = true;

        var taken = await Watcher.ScanAsync(CancellationToken.None);
        await Watcher.ScanAsync(CancellationToken.None);

        Assert.Equal(0, taken);
        Assert.Single(Directory.GetFiles(_app.Inbound));
        var transient = _app.OutboundAnswers().Where(a => a.Summary.AcknowledgementCode == "transient-error").ToList();
        Assert.Single(transient); // once, not once per scan
        Assert.Equal(Samples.ReferralHeaderId, transient[0].Summary.AcknowledgedMessageId);

        _dialect!.Failing = false;
        taken = await Watcher.ScanAsync(CancellationToken.None);

        Assert.Equal(1, taken);
        Assert.Empty(Directory.GetFiles(_app.Inbound));
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in'"));
        await MailboxApp.Eventually(() => _app.OutboundAnswers().Any(a => a.Summary.AcknowledgementCode == "ok"), "the ok after the transient-error");
    }

    [Fact]
    public async Task Over_http_a_storage_failure_is_a_503_with_retry_after_never_a_500()
    {
        _dialect!.Failing = true;

        using var response = await _app.PostAsync("/api/intake", Samples.Referral, "application/fhir+json");

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("30", response.Headers.RetryAfter?.ToString());
        Assert.Equal("unavailable", Samples.Json(await response.Content.ReadAsStringAsync()).GetProperty("outcome").GetString());
    }

    /// <summary>SQLite that can be told to fail, as a full disk or a lost database server would.</summary>
    private sealed class FlakyDialect(string connectionString) : SqlDialect(connectionString)
    {
        private readonly SqliteDialect _inner = new(connectionString);

        public volatile bool Failing;

        public override StorageProvider Provider => StorageProvider.Sqlite;

        public override Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken cancellationToken) =>
            Failing ? throw new IOException("disk full (simulated)") : _inner.OpenAsync(cancellationToken);

        public override string Limit(string orderedQuery, int rows) => _inner.Limit(orderedQuery, rows);

        public override bool IsUniqueViolation(Exception exception) => _inner.IsUniqueViolation(exception);

        public override IDisposable AcquireMigrationLock(TimeSpan timeout) => _inner.AcquireMigrationLock(timeout);

        protected override UpgradeEngineBuilder Deploy(SupportedDatabases to) => to.SqliteDatabase(ConnectionString);
    }
}
