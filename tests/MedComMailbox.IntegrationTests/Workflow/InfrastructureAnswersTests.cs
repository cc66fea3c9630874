using Dapper;
using MedComMailbox.Infrastructure.Alerts;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedComMailbox.IntegrationTests.Workflow;

/// <summary>
/// What the workflow's stores answer Infrastructure's sweeps about the workflow's tables (the reconciliation's overdue
/// deadlines, the webhook's failed letters, the telemetry's consent gauges), on a real SQLite schema.
/// </summary>
public sealed class InfrastructureAnswersTests : IDisposable
{
    private const long Now = 1_800_000_000_000;
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"medcom-answers-{Guid.NewGuid():N}.db");
    private readonly MailboxDatabase _database;

    public InfrastructureAnswersTests()
    {
        _database = new MailboxDatabase(SqlDialect.Create(StorageProvider.Sqlite, $"Data Source={_file}"));
        _database.Migrate(NullLogger.Instance);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    private async Task Case(string id, string state, long consentDeadline)
    {
        await using var c = await _database.OpenAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO cases (id, mailbox_gln, referral_message_id, child_cpr, child_name, state, opened_at, consent_deadline, party_names, snapshot, version)
            VALUES (@id, '5790000991006', @id, '1201149996', 'Alma', @state, 0, @consentDeadline, '{}', '{}', 1)
            """,
            new { id, state, consentDeadline });
    }

    private async Task Letter(string id, string caseId, string status, long createdAt, long? statusAt)
    {
        await using var c = await _database.OpenAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO letters (id, case_id, kind, party_id, party_role, recipient_name, title, body, status, next_attempt_at, created_at, status_at)
            VALUES (@id, @caseId, 'ConsentRequest', '1201149996', 'custody', 'Værge Hansen', 'Anmodning om samtykke', 'tekst', @status, 0, @createdAt, @statusAt)
            """,
            new { id, caseId, status, createdAt, statusAt });
    }

    [Fact]
    public async Task The_deadline_store_counts_the_deadlines_due_before_the_cutoff_and_not_done_with_the_oldest()
    {
        await using (var c = await _database.OpenAsync())
        {
            await c.ExecuteAsync(
                """
                INSERT INTO deadlines (case_id, kind, due_at, attempts, done_at) VALUES
                  ('a', 'ConsentReminder', @early, 0, NULL), ('b', 'ConsentLapse', @later, 0, NULL),
                  ('c', 'ConsentReminder', @earliest, 0, @earliest), ('d', 'ConsentReminder', @now, 0, NULL)
                """,
                new { earliest = Now - 9_000, early = Now - 5_000, later = Now - 1_000, now = Now });
        }

        var store = new DeadlineStore(_database);

        Assert.Equal((2L, (long?)(Now - 5_000)), await store.OverdueAsync(Now, CancellationToken.None));
        Assert.Equal((0L, (long?)null), await store.OverdueAsync(Now - 9_000, CancellationToken.None));
    }

    [Fact]
    public async Task The_letter_store_finds_the_letters_failed_since_with_their_case_mailbox()
    {
        await Case("case-1", "AwaitingConsent", Now);
        await Letter("failed-new", "case-1", "failed", Now - 10_000, Now - 1_000);
        await Letter("failed-without-status-time", "gone", "failed", Now - 500, null);
        await Letter("failed-old", "case-1", "failed", Now - 10_000, Now - 9_000);
        await Letter("delivered", "case-1", "delivered", Now - 10_000, Now - 1_000);

        IFailureSource source = new LetterStore(_database);
        var failed = await source.FailuresSinceAsync(Now - 2_000, CancellationToken.None);

        Assert.Equal(AlertKinds.LetterFailed, source.Kind);
        Assert.Equal(
            [new FailureCandidate("failed-new", Now - 1_000, "5790000991006"), new FailureCandidate("failed-without-status-time", Now - 500, null)],
            failed.OrderBy(f => f.At));
    }

    [Fact]
    public async Task The_case_store_counts_the_cases_awaiting_consent_and_those_past_the_deadline()
    {
        await Case("pending", "AwaitingConsent", Now + 1);
        await Case("overdue", "AwaitingConsent", Now - 1);
        await Case("on-agenda", "OnAgenda", Now - 1);

        var store = new CaseStore(_database);

        Assert.Equal((2L, 1L), await store.ConsentsAsync(Now, CancellationToken.None));
    }
}
