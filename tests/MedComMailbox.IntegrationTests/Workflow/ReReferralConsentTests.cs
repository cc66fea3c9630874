using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Referrals;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Referrals;
using MedComMailbox.Workflow.Statistics;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Workflow;

/// <summary>
/// A new referral of a child whose consent from an earlier case still holds (under a year, not withdrawn) joins that
/// consent instead of asking the family again, says so on the case, and counts as a re-referral; after a year it asks again.
/// On a fake clock, SQLite file, development register and letter box.
/// </summary>
public sealed class ReReferralConsentTests : IDisposable
{
    private readonly FakeClockMailbox _host = new();

    public void Dispose() => _host.Dispose();

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

    private async Task<Guid> DecidedCaseAsync() => await _host.DecidedAsync(await _host.ReferAsync(Samples.Referral));

    [Fact]
    public async Task A_re_referral_within_the_year_joins_the_valid_consent_says_so_and_counts_as_a_re_referral()
    {
        var first = await DecidedCaseAsync();
        var requestsBefore = await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest'");

        _host.Clock.Advance(TimeSpan.FromDays(120));
        var second = await _host.ReferAsync(ReReferral(), 2);
        Assert.NotEqual(first, second);

        var joined = (await _host.Queries.GetAsync(second, CancellationToken.None))!;
        Assert.Equal(first, joined.ConsentFromCase);
        Assert.Equal(first, joined.LinkedCaseId);
        Assert.All(joined.Parties, p => Assert.Equal(ConsentAnswer.Given, p.Answer));
        Assert.Contains(joined.Timeline, t => t.Text.StartsWith("Genhenvisning: samtykket fra barnets tidligere sag", StringComparison.Ordinal));
        Assert.Equal(requestsBefore, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest'"));

        // Custody is re-checked as for any complete consent, and the case goes on the agenda.
        await _host.SweepAsync();
        Assert.Equal(CaseState.OnAgenda, (await _host.Queries.GetAsync(second, CancellationToken.None))!.State);

        var today = DateOnly.FromDateTime(_host.Clock.GetUtcNow().UtcDateTime);
        var report = await _host.App.Services.GetRequiredService<IndicatorQueries>().ReportAsync(
            new StatisticsPeriod(today.AddDays(-400), today), [], CancellationToken.None);
        Assert.Equal(2, report.Referrals);
        Assert.Equal(1, report.ReReferrals);
    }

    [Fact]
    public async Task After_a_year_the_family_is_asked_again()
    {
        await DecidedCaseAsync();
        var requestsBefore = await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest'");

        _host.Clock.Advance(TimeSpan.FromDays(370));
        var second = await _host.ReferAsync(ReReferral(), 2);

        var asked = (await _host.Queries.GetAsync(second, CancellationToken.None))!;
        Assert.Null(asked.ConsentFromCase);
        Assert.Equal(CaseState.AwaitingConsent, asked.State);
        Assert.Equal(requestsBefore + 2, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest'"));
    }
}
