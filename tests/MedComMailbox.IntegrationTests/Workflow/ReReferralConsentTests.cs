using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Referrals;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Referrals;
using MedComMailbox.Workflow.Statistics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.IntegrationTests.Workflow;

/// <summary>
/// A new referral of a child whose consent from an earlier case still holds (under a year, not withdrawn) joins that
/// consent instead of asking the family again, says so on the case, and counts as a re-referral; after a year it asks again.
/// On a fake clock, SQLite file, development register and letter box.
/// </summary>
public sealed class ReReferralConsentTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero)); // a Monday
    private readonly MailboxApp _app;

    public ReReferralConsentTests()
    {
        _app = new MailboxApp(
            new Dictionary<string, string?> { ["Workflow:SweepInterval"] = "00:00:00.200" },
            services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.Remove(services.Single(d => d.ImplementationType == typeof(WorkflowSweeps)));
            });
        _ = _app.Server;
    }

    public void Dispose() => _app.Dispose();

    private ReferralWorkflow Workflow => _app.Services.GetRequiredService<ReferralWorkflow>();

    private CaseQueries Queries => _app.Services.GetRequiredService<CaseQueries>();

    private async Task SweepAsync()
    {
        await Workflow.RunDueDeadlinesAsync(CancellationToken.None);
        await _app.Services.GetRequiredService<LetterDispatcher>().SendDueAsync(CancellationToken.None);
    }

    /// <summary>
    /// A new referral of the same child, as a GP's system sends one: a new message in a new thread (a new Communication
    /// identifier). The same identifier would be a message in the first referral's thread and join that case.
    /// </summary>
    private static byte[] ReReferral()
    {
        var text = System.Text.Encoding.UTF8.GetString(Samples.FreshReferral().Body);
        const string Thread = "urn:uuid:6c6e7f7c-3f1f-4cc1-8d20-cb9ecac340af";
        Assert.Contains(Thread, text, StringComparison.Ordinal);
        return System.Text.Encoding.UTF8.GetBytes(text.Replace(Thread, $"urn:uuid:{Guid.NewGuid()}", StringComparison.Ordinal));
    }

    private async Task<Guid> ReferAsync(byte[] body, int expectedCases)
    {
        using var response = await _app.PostAsync("/api/intake", body, "application/fhir+json");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        await MailboxApp.Eventually(async () => await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases") == expectedCases, "a case opened");
        return Guid.Parse(await _app.QuerySingleAsync<string>("SELECT id FROM cases ORDER BY opened_at DESC LIMIT 1"));
    }

    private async Task<Guid> DecidedCaseAsync()
    {
        var id = await ReferAsync(Samples.Referral, 1);
        foreach (var party in (await Queries.GetAsync(id, CancellationToken.None))!.Parties)
        {
            Assert.True(await Workflow.RegisterConsentAsync(id, party.PartyId, ConsentAnswer.Given, "sundhedsplejerske", CancellationToken.None));
        }

        await SweepAsync();
        var onAgenda = (await Queries.GetAsync(id, CancellationToken.None))!;
        _time.SetUtcNow(onAgenda.Agenda!.Meeting.AddHours(1));
        Assert.True(await Workflow.RecordDecisionAsync(id, "Forløb hos PPR", "PPR", "Udvalget anbefaler et forløb hos PPR.", "udvalg", CancellationToken.None));
        await SweepAsync();
        return id;
    }

    [Fact]
    public async Task A_re_referral_within_the_year_joins_the_valid_consent_says_so_and_counts_as_a_re_referral()
    {
        var first = await DecidedCaseAsync();
        var requestsBefore = await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest'");

        _time.Advance(TimeSpan.FromDays(120));
        var second = await ReferAsync(ReReferral(), 2);
        Assert.NotEqual(first, second);

        var joined = (await Queries.GetAsync(second, CancellationToken.None))!;
        Assert.Equal(first, joined.ConsentFromCase);
        Assert.Equal(first, joined.LinkedCaseId);
        Assert.All(joined.Parties, p => Assert.Equal(ConsentAnswer.Given, p.Answer));
        Assert.Contains(joined.Timeline, t => t.Text.StartsWith("Genhenvisning: samtykket fra barnets tidligere sag", StringComparison.Ordinal));
        Assert.Equal(requestsBefore, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest'"));

        // Custody is re-checked as for any complete consent, and the case goes on the agenda.
        await SweepAsync();
        Assert.Equal(CaseState.OnAgenda, (await Queries.GetAsync(second, CancellationToken.None))!.State);

        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var report = await _app.Services.GetRequiredService<IndicatorQueries>().ReportAsync(
            new StatisticsPeriod(today.AddDays(-400), today), [], CancellationToken.None);
        Assert.Equal(2, report.Referrals);
        Assert.Equal(1, report.ReReferrals);
    }

    [Fact]
    public async Task After_a_year_the_family_is_asked_again()
    {
        await DecidedCaseAsync();
        var requestsBefore = await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest'");

        _time.Advance(TimeSpan.FromDays(370));
        var second = await ReferAsync(ReReferral(), 2);

        var asked = (await Queries.GetAsync(second, CancellationToken.None))!;
        Assert.Null(asked.ConsentFromCase);
        Assert.Equal(CaseState.AwaitingConsent, asked.State);
        Assert.Equal(requestsBefore + 2, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest'"));
    }
}
