using Dapper;
using MedComMailbox.Workflow.Retention;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.IntegrationTests.Workflow;

/// <summary>Retention over a real SQLite schema with a fake clock: what is old goes, an open case keeps everything of it.</summary>
public sealed class RetentionSweepTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2032, 1, 1, 3, 0, 0, TimeSpan.Zero);
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"medcom-retention-{Guid.NewGuid():N}.db");
    private readonly MailboxDatabase _database;
    private FakeTimeProvider _clock = new(Now);

    public RetentionSweepTests()
    {
        _database = new MailboxDatabase(SqlDialect.Create(StorageProvider.Sqlite, $"Data Source={_file}"));
        _database.Migrate(NullLogger.Instance);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    private RetentionSweep Sweep(RetentionOptions? options = null) =>
        new(_database, Options.Create(options ?? new RetentionOptions()), _clock, NullLogger<RetentionSweep>.Instance);

    private static long At(int year, int month, int day) => new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private async Task Message(string id, long receivedAt, bool pendingAnswer = false)
    {
        await using var c = await _database.OpenAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO messages (id, direction, status, channel, received_at, kind, syntax, patient_cpr, size_bytes, raw_sha256, raw)
            VALUES (@id, 'in', 'accepted', 'http', @receivedAt, 'CareCommunication', 'FhirJson', '1201149996', 3, 'x', @raw)
            """,
            new { id, receivedAt, raw = new byte[] { 1, 2, 3 } });
        await c.ExecuteAsync("INSERT INTO inbox_items (id, message_id, mailbox_gln, state, created_at) VALUES (@item, @id, '5790000991006', 'done', @receivedAt)", new { item = "item-" + id, id, receivedAt });
        await c.ExecuteAsync(
            "INSERT INTO outbox (message_id, kind, type, payload, created_at, due_at, dispatched_at) VALUES (@id, 'deliver', 'Acknowledgement', @payload, @receivedAt, @receivedAt, @dispatched)",
            new { id, payload = new byte[] { 1 }, receivedAt, dispatched = pendingAnswer ? (long?)null : receivedAt });
    }

    private async Task Case(string id, string state, long openedAt, long? closedAt, string referral)
    {
        await using var c = await _database.OpenAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO cases (id, mailbox_gln, referral_message_id, child_cpr, child_name, state, opened_at, closed_at, consent_deadline, party_names, snapshot, version)
            VALUES (@id, '5790000991006', @referral, '1201149996', 'Alma', @state, @openedAt, @closedAt, @openedAt, '{}', '{}', 1)
            """,
            new { id, referral, state, openedAt, closedAt });
        await c.ExecuteAsync("INSERT INTO case_messages (case_id, message_id, role, attached_at) VALUES (@id, @referral, 'referral', @openedAt)", new { id, referral, openedAt });
        await c.ExecuteAsync("INSERT INTO case_events (case_id, at, kind, text) VALUES (@id, @openedAt, 'opened', 'Sag oprettet')", new { id, openedAt });
        await c.ExecuteAsync("INSERT INTO deadlines (case_id, kind, due_at, done_at) VALUES (@id, 'ConsentLapse', @openedAt, @openedAt)", new { id, openedAt });
    }

    private async Task Letter(string id, string caseId, long createdAt, string status = "delivered")
    {
        await using var c = await _database.OpenAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO letters (id, case_id, kind, party_id, party_role, recipient_name, title, body, status, next_attempt_at, created_at)
            VALUES (@id, @caseId, 'ConsentRequest', '0303701236', 'custody', 'Værge', 'Anmodning om samtykke', 'tekst', @status, @createdAt, @createdAt)
            """,
            new { id, caseId, createdAt, status });
    }

    private async Task<List<string>> Ids(string table)
    {
        await using var c = await _database.OpenAsync();
        return (await c.QueryAsync<string>($"SELECT CAST(id AS TEXT) FROM {table} ORDER BY id")).AsList();
    }

    private async Task<long> Count(string sql)
    {
        await using var c = await _database.OpenAsync();
        return await c.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task Old_rows_go_and_an_open_case_keeps_everything_of_it()
    {
        await Message("free-old", At(2026, 1, 1));
        await Message("free-recent", At(2028, 1, 1));
        await Message("free-old-answer-pending", At(2026, 1, 1), pendingAnswer: true);

        await Message("open-referral", At(2025, 1, 1));
        await Case("case-open", "AwaitingConsent", At(2025, 1, 1), null, "open-referral");
        await Letter("letter-open", "case-open", At(2025, 1, 2));

        await Message("closed-old-referral", At(2025, 1, 1));
        await Case("case-closed-old", "Decided", At(2025, 1, 1), At(2026, 6, 1), "closed-old-referral");
        await Letter("letter-closed-old", "case-closed-old", At(2025, 1, 2));

        await Message("closed-recent-referral", At(2025, 1, 1));
        await Case("case-closed-recent", "ClosedNoConsent", At(2025, 1, 1), At(2029, 6, 1), "closed-recent-referral");
        await Letter("letter-closed-recent-old", "case-closed-recent", At(2025, 1, 2));
        await Letter("letter-closed-recent-new", "case-closed-recent", At(2029, 1, 2));

        var result = await Sweep().RunAsync(CancellationToken.None);

        Assert.Equal(new RetentionResult(Cases: 1, Messages: 1, Letters: 1), result);
        Assert.Equal(["case-closed-recent", "case-open"], await Ids("cases"));
        Assert.Equal(["closed-recent-referral", "free-old-answer-pending", "free-recent", "open-referral"], await Ids("messages"));
        Assert.Equal(["letter-closed-recent-new", "letter-open"], await Ids("letters"));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM case_events WHERE case_id = 'case-closed-old'"));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM deadlines WHERE case_id = 'case-closed-old'"));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM inbox_items WHERE message_id IN ('free-old', 'closed-old-referral')"));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM outbox WHERE message_id IN ('free-old', 'closed-old-referral')"));
        Assert.Equal(1, await Count("SELECT COUNT(*) FROM case_events WHERE case_id = 'case-open'"));
    }

    private async Task Course(string caseId, long decidedAt, long? closedAt)
    {
        await using var c = await _database.OpenAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO courses (case_id, mailbox_gln, state, responsible_party, decided_at, start_deadline, closed_at, snapshot, version)
            VALUES (@caseId, '5790000991006', @state, 'PPR', @decidedAt, @decidedAt, @closedAt, '{}', 1)
            """,
            new { caseId, state = closedAt is null ? "Running" : "Closed", decidedAt, closedAt });
        await c.ExecuteAsync(
            """
            INSERT INTO action_plans (case_id, version, milestone, meeting_kind, meeting_at, created_at, created_by, content)
            VALUES (@caseId, 1, 0, 'Start', @decidedAt, @decidedAt, 'udvalg', '{}')
            """,
            new { caseId, decidedAt });
    }

    [Fact]
    public async Task A_decided_case_stays_while_its_course_runs_and_goes_with_its_course_and_action_plans_after_the_course_closed()
    {
        await Message("running-referral", At(2025, 1, 1));
        await Case("case-course-running", "Decided", At(2025, 1, 1), At(2025, 2, 1), "running-referral");
        await Course("case-course-running", At(2025, 2, 1), closedAt: null);

        await Message("closed-recently-referral", At(2025, 1, 1));
        await Case("case-course-closed-recently", "Decided", At(2025, 1, 1), At(2025, 2, 1), "closed-recently-referral");
        await Course("case-course-closed-recently", At(2025, 2, 1), closedAt: At(2029, 6, 1));

        await Message("closed-long-ago-referral", At(2025, 1, 1));
        await Case("case-course-closed-long-ago", "Decided", At(2025, 1, 1), At(2025, 2, 1), "closed-long-ago-referral");
        await Course("case-course-closed-long-ago", At(2025, 2, 1), closedAt: At(2026, 6, 1));

        var result = await Sweep().RunAsync(CancellationToken.None);

        Assert.Equal(1, result.Cases);
        Assert.Equal(["case-course-closed-recently", "case-course-running"], await Ids("cases"));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM courses WHERE case_id = 'case-course-closed-long-ago'"));
        Assert.Equal(0, await Count("SELECT COUNT(*) FROM action_plans WHERE case_id = 'case-course-closed-long-ago'"));
        Assert.Equal(2, await Count("SELECT COUNT(*) FROM courses"));
        Assert.Equal(2, await Count("SELECT COUNT(*) FROM action_plans"));
    }

    [Fact]
    public async Task Nothing_goes_before_its_period_and_it_goes_once_the_clock_passes_it()
    {
        _clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(At(2026, 1, 1)));
        await Message("m", At(2026, 1, 1));
        var sweep = Sweep();

        _clock.Advance(TimeSpan.FromDays(1825));
        Assert.Equal(new RetentionResult(0, 0, 0), await sweep.RunAsync(CancellationToken.None));

        _clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(new RetentionResult(0, 1, 0), await sweep.RunAsync(CancellationToken.None));
        Assert.Empty(await Ids("messages"));
    }

    [Fact]
    public async Task Disabled_deletes_nothing()
    {
        await Message("free-old", At(2020, 1, 1));

        Assert.Equal(new RetentionResult(0, 0, 0), await Sweep(new RetentionOptions { Enabled = false }).RunAsync(CancellationToken.None));
        Assert.Single(await Ids("messages"));
    }

    [Fact]
    public async Task Deletion_runs_in_batches_until_done()
    {
        for (var i = 0; i < 25; i++)
        {
            await Message($"m{i:00}", At(2020, 1, 1) + i);
        }

        Assert.Equal(25, (await Sweep(new RetentionOptions { BatchSize = 10 }).RunAsync(CancellationToken.None)).Messages);
        Assert.Empty(await Ids("messages"));
    }

    [Theory]
    [InlineData("Retention:Messages", "5.00:00:00")]
    [InlineData("Retention:Cases", "1.00:00:00")]
    [InlineData("Retention:Letters", "40000.00:00:00")]
    public void A_period_shorter_than_a_month_or_longer_than_a_century_is_refused(string key, string value)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(settings).AddMailboxRetention(settings).BuildServiceProvider();
        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RetentionOptions>>().Value);
        Assert.Contains(refused.Failures,
            f => f.StartsWith($"{key} {TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)} must be between 30 days and 100 years", StringComparison.Ordinal));
    }
}
