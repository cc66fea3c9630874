using System.Net;
using System.Text;
using Dapper;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.IntegrationTests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>
/// The audit log page: administrators only, the search by CPR number is a POST (never in an address) and is itself
/// audited, the period limits it, the export is a Danish-Excel CSV and is audited too.
/// </summary>
public sealed class AuditPageTests(MailboxApp.Shared factory) : IClassFixture<MailboxApp.Shared>
{
    private const string AdminName = "Administrator (udvikling)";

    private AuditLog Audit => factory.Services.GetRequiredService<AuditLog>();

    [Fact]
    public async Task Only_an_administrator_may_open_or_search_the_audit_log()
    {
        using var anonymous = PageClient.Anonymous(factory);
        using var operatorClient = await PageClient.StaffAsync(factory, "sundhedsplejerske");
        using var committee = await PageClient.StaffAsync(factory, "udvalg");
        using var admin = await PageClient.StaffAsync(factory, "admin");

        using var anonymousGet = await anonymous.Http.GetAsync("/revision");
        Assert.Equal(HttpStatusCode.Redirect, anonymousGet.StatusCode);
        Assert.StartsWith("/log-ind?ReturnUrl=%2Frevision", PageClient.Location(anonymousGet), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetPageAsync("/revision")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await committee.GetPageAsync("/revision")).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetPageAsync("/revision")).Status);

        // A valid antiforgery token (from a page the operator may see) does not open the search or the export.
        foreach (var handler in new[] { "Search", "Export" })
        {
            using var post = await operatorClient.PostFormAsync("/start", $"/revision?handler={handler}", SearchFields("0101901234"));
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        }

        using var withoutToken = await admin.PostWithoutTokenAsync("/revision?handler=Search", SearchFields("0101901234"));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
    }

    [Fact]
    public async Task The_newest_entries_show_the_cpr_number_masked_and_the_view_is_audited()
    {
        const string cpr = "0302851234";
        await Audit.RecordAsync(new AuditEntry("Test Bruger", AuditActions.ViewCase, "Sagsbehandling", cpr, "case", "c-1"), default);
        using var admin = await PageClient.StaffAsync(factory, "admin");

        var (status, html) = await admin.GetPageAsync("/revision");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("030285-xxxx", html, StringComparison.Ordinal);
        Assert.DoesNotContain(cpr, html, StringComparison.Ordinal);
        Assert.Contains("Åbnede en sag", html, StringComparison.Ordinal);
        Assert.All(PageClient.PostForms(html), f => Assert.Contains(PageClient.TokenField, f, StringComparison.Ordinal));
        Assert.DoesNotContain("method=\"get\"", html, StringComparison.OrdinalIgnoreCase);
        var views = await factory.QueryAsync<string>(
            "SELECT target_id FROM audit_log WHERE action = 'view-audit' AND user_name = @AdminName AND person_cpr IS NULL", new { AdminName });
        Assert.Contains("recent", views);
    }

    [Fact]
    public async Task The_search_by_cpr_is_a_post_shows_only_that_person_and_is_audited_with_the_person()
    {
        const string cpr = "1505907788";
        const string other = "1505907789";
        await Audit.RecordAsync(
        [
            new AuditEntry("Hanne Sundhedsplejerske", AuditActions.ViewMessage, "Tømning af indbakken", cpr, "message", "m-42"),
            new AuditEntry("Ole Udvalg", AuditActions.ViewAgenda, "Forberedelse af udvalgsmøde", other, "case", "c-7"),
        ], default);
        using var admin = await PageClient.StaffAsync(factory, "admin");

        using var response = await admin.PostFormAsync("/revision", "/revision?handler=Search", SearchFields("150590-7788"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpMethod.Post, response.RequestMessage!.Method);
        Assert.DoesNotContain(cpr, response.RequestMessage.RequestUri!.ToString(), StringComparison.Ordinal);
        Assert.Contains("Hændelser om 150590-7788", html, StringComparison.Ordinal);
        Assert.Contains("Hanne Sundhedsplejerske", html, StringComparison.Ordinal);
        Assert.Contains("Åbnede en besked", html, StringComparison.Ordinal);
        Assert.Contains("Tømning af indbakken", html, StringComparison.Ordinal);
        Assert.Contains("Besked m-42", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Ole Udvalg", html, StringComparison.Ordinal);
        Assert.Contains("handler=Export", html, StringComparison.Ordinal);
        var audited = await factory.QueryAsync<(string Action, string Purpose)>(
            "SELECT action, purpose FROM audit_log WHERE person_cpr = @cpr AND user_name = @AdminName", new { cpr, AdminName });
        Assert.Contains((AuditActions.ViewAudit, "Indsigtsanmodning fra borgeren"), audited);
        Assert.DoesNotContain(factory.Logs, line => line.Contains(cpr, StringComparison.Ordinal) || line.Contains("150590-7788", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_cpr_number_is_refused_with_a_danish_message_and_nothing_is_looked_up()
    {
        using var admin = await PageClient.StaffAsync(factory, "admin");
        var before = await factory.QuerySingleAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'view-audit' AND person_cpr IS NOT NULL");

        using var tooShort = await admin.PostFormAsync("/revision", "/revision?handler=Search", SearchFields("12345"));
        using var noSuchDate = await admin.PostFormAsync("/revision", "/revision?handler=Search", SearchFields("3213901234"));
        using var badPurpose = await admin.PostFormAsync("/revision", "/revision?handler=Export", SearchFields("0101901234", purpose: "Nysgerrighed"));
        using var backwards = await admin.PostFormAsync("/revision", "/revision?handler=Search", SearchFields("0101901234", "2026-02-01", "2026-01-01"));

        foreach (var response in new[] { tooShort, noSuchDate })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("Skriv et gyldigt CPR-nummer", html, StringComparison.Ordinal);
            Assert.Contains("aria-invalid=\"true\"", html, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, badPurpose.StatusCode);
        Assert.Contains("Vælg formålet med opslaget", await badPurpose.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Slutdatoen ligger før startdatoen", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await factory.QuerySingleAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'view-audit' AND person_cpr IS NOT NULL"));
    }

    [Fact]
    public async Task The_period_limits_the_search_with_both_days_included()
    {
        const string cpr = "2008801122";
        var database = factory.Services.GetRequiredService<MailboxDatabase>();
        var clock = new FakeTimeProvider();
        var log = new AuditLog(database, clock);
        // Copenhagen is UTC+1 in January: 31 January 23:30 local is 22:30 UTC.
        foreach (var (at, purpose) in new[]
        {
            (new DateTimeOffset(2025, 12, 31, 22, 59, 0, TimeSpan.Zero), "før perioden"),
            (new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero), "første dag"),
            (new DateTimeOffset(2026, 1, 31, 22, 30, 0, TimeSpan.Zero), "sidste dag"),
            (new DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero), "efter perioden"),
        })
        {
            clock.SetUtcNow(at);
            await log.RecordAsync(new AuditEntry("Periodetest", AuditActions.ViewCase, purpose, cpr), default);
        }

        using var admin = await PageClient.StaffAsync(factory, "admin");

        using var response = await admin.PostFormAsync("/revision", "/revision?handler=Search", SearchFields(cpr, "2026-01-01", "2026-01-31"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("første dag", html, StringComparison.Ordinal);
        Assert.Contains("sidste dag", html, StringComparison.Ordinal);
        Assert.DoesNotContain("før perioden", html, StringComparison.Ordinal);
        Assert.DoesNotContain("efter perioden", html, StringComparison.Ordinal);
        Assert.Contains("01-01-2026–31-01-2026", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_export_is_utf8_with_a_byte_order_mark_and_semicolons_and_is_audited()
    {
        const string cpr = "0707071234";
        await Audit.RecordAsync(new AuditEntry("Søren Æblerød", AuditActions.RegisterConsent, "Samtykke på papir; modtaget pr. post", cpr, "case", "c-9"), default);
        await Audit.RecordAsync(new AuditEntry("=HYPERLINK(\"x\")", AuditActions.ViewCase, "Formelforsøg", cpr, "case", "c-9"), default);
        using var admin = await PageClient.StaffAsync(factory, "admin");

        using var response = await admin.PostFormAsync("/revision", "/revision?handler=Export", SearchFields(cpr));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.DoesNotContain(cpr, response.Content.Headers.ContentDisposition?.FileName ?? "", StringComparison.Ordinal);
        Assert.Equal("Tidspunkt;Bruger;Handling;Handlingskode;CPR-nummer;Formål;Mål;Mål-id", lines[0]);
        // Newest first; the export's own audit entry is the newest of all.
        Assert.Contains(";Eksporterede revisionsloggen;export-audit;070707-1234;Indsigtsanmodning fra borgeren;audit-log;hele perioden", lines[1], StringComparison.Ordinal);
        Assert.Contains(";\"'=HYPERLINK(\"\"x\"\")\";Åbnede en sag;view-case;070707-1234;Formelforsøg;case;c-9", lines[2], StringComparison.Ordinal);
        Assert.Contains(";Søren Æblerød;Registrerede samtykke;register-consent;070707-1234;\"Samtykke på papir; modtaget pr. post\";case;c-9", lines[3], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2};", lines[3]);
        Assert.Equal(1, await factory.QuerySingleAsync<long>(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'export-audit' AND person_cpr = @cpr AND user_name = @AdminName", new { cpr, AdminName }));
    }

    private static Dictionary<string, string> SearchFields(string cpr, string from = "", string until = "", string purpose = "Indsigtsanmodning fra borgeren") =>
        new() { ["cpr"] = cpr, ["from"] = from, ["until"] = until, ["purpose"] = purpose };
}

/// <summary>Audit retention on a fake clock: only entries older than Audit:RetentionMonths go, at start and then daily.</summary>
public sealed class AuditRetentionTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "medcom-audit-" + Guid.NewGuid().ToString("N")[..12]);
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);

    // A fake clock only moves forward: it starts before the oldest entry and is set to Now after the entries are written.
    private readonly FakeTimeProvider _clock = new(Now.AddYears(-2));
    private readonly MailboxDatabase _database;

    public AuditRetentionTests()
    {
        Directory.CreateDirectory(_directory);
        _database = new MailboxDatabase(SqlDialect.Create(StorageProvider.Sqlite, $"Data Source={Path.Combine(_directory, "mailbox.db")};Pooling=False"));
        _database.Migrate(NullLogger.Instance);
    }

    [Fact]
    public async Task Retention_deletes_only_entries_older_than_the_configured_months_at_start_and_again_each_day()
    {
        var now = Now;
        var log = new AuditLog(_database, _clock);
        await RecordAtAsync(log, now.AddMonths(-14), "fjorten måneder");
        await RecordAtAsync(log, now.AddMonths(-13).AddHours(-1), "lige over tretten måneder");
        await RecordAtAsync(log, now.AddMonths(-13).AddHours(12), "tolv timer fra grænsen");
        await RecordAtAsync(log, now.AddMonths(-1), "en måned");
        _clock.SetUtcNow(now);
        using var retention = new AuditRetention(log, Options.Create(new AuditOptions()), _clock, NullLogger<AuditRetention>.Instance);

        await retention.StartAsync(default);
        await MailboxApp.Eventually(async () => (await PurposesAsync()).Count == 2, "the first sweep at start");
        Assert.Equal(["tolv timer fra grænsen", "en måned"], await PurposesAsync());

        // Hour by hour (the sweep may not have started its wait yet): nothing more goes until a day has passed.
        await MailboxApp.Eventually(async () =>
        {
            _clock.Advance(TimeSpan.FromHours(1));
            return (await PurposesAsync()).Count == 1;
        }, "the next day's sweep");
        Assert.Equal(["en måned"], await PurposesAsync());
        Assert.True(_clock.GetUtcNow() >= now.AddDays(1), $"the second sweep ran after {_clock.GetUtcNow() - now}, before a day had passed");
        await retention.StopAsync(default);
    }

    [Fact]
    public async Task The_retention_period_comes_from_configuration_and_a_bad_value_stops_the_start()
    {
        var log = new AuditLog(_database, _clock);
        await RecordAtAsync(log, Now.AddMonths(-3), "tre måneder");
        await RecordAtAsync(log, Now.AddDays(-1), "i går");
        _clock.SetUtcNow(Now);

        using var two = Services(new() { ["Audit:RetentionMonths"] = "2" });
        var deleted = await two.GetRequiredService<AuditRetention>().SweepAsync(default);
        using var zero = Services(new() { ["Audit:RetentionMonths"] = "0" });
        using var webOnly = Services(new() { ["Bus:RunConsumers"] = "false" });

        Assert.Equal(1, deleted);
        Assert.Equal(["i går"], await PurposesAsync());
        Assert.Equal(13, new AuditOptions().RetentionMonths);
        var invalid = Assert.Throws<OptionsValidationException>(() => zero.GetRequiredService<IOptions<AuditOptions>>().Value);
        Assert.Contains("Audit:RetentionMonths", invalid.Message, StringComparison.Ordinal);
        Assert.Contains(two.GetServices<IHostedService>(), s => s is AuditRetention);
        Assert.DoesNotContain(webOnly.GetServices<IHostedService>(), s => s is AuditRetention);
    }

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton(_database);
        services.AddSingleton<AuditLog>();
        services.AddAuditRetention(configuration);
        return services.BuildServiceProvider();
    }

    private async Task RecordAtAsync(AuditLog log, DateTimeOffset at, string purpose)
    {
        _clock.SetUtcNow(at);
        await log.RecordAsync(new AuditEntry("Test", AuditActions.ViewCase, purpose, "0101901234"), default);
    }

    private async Task<List<string>> PurposesAsync()
    {
        await using var connection = await _database.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT purpose FROM audit_log ORDER BY at")).ToList();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
