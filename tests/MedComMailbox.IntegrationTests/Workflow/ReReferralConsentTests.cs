using System.Text.Json;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Course;
using MedComMailbox.Core.Letters;
using MedComMailbox.Core.Referrals;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Course;
using MedComMailbox.Workflow.Referrals;
using MedComMailbox.Workflow.Statistics;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Workflow;

/// <summary>
/// A new referral of a child whose consent from an earlier case still holds (under a year, not withdrawn) joins that
/// consent instead of asking the family again, says so on the case and in the GP's receipt, and counts as a re-referral;
/// after a year it asks again. A withdrawal of that consent stops every case that shares it. On a fake clock, SQLite
/// file, development register and letter box.
/// </summary>
public sealed class ReReferralConsentTests : IDisposable
{
    // A Monday a month before the teenager of the development register turns 15 (a fake clock cannot go back).
    private readonly FakeClockMailbox _host = new(start: new DateTimeOffset(2026, 8, 3, 8, 0, 0, TimeSpan.Zero));

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

    /// <summary>15 on 5 September 2026; one custody holder in the development register.</summary>
    private const string Teenager = "0509119995";

    /// <summary>The teenager's referral (a sample of its own) as a new message in a new thread.</summary>
    private static byte[] TeenagerReferral(bool fresh)
    {
        var text = System.Text.Encoding.UTF8.GetString(Samples.Read("carecommunication/gp-referral-with-attachment.json"));
        if (!fresh)
        {
            return System.Text.Encoding.UTF8.GetBytes(text);
        }

        foreach (var id in new[] { "23ef4b39-5afe-4996-8a9e-539987f8757d", "c031b848-4eb5-4ae6-8d7e-8bfd76f13d7d", "5e09cb08-b580-4c1e-b72c-15c7c1ec4f02" })
        {
            Assert.Contains(id, text, StringComparison.Ordinal);
            text = text.Replace(id, Guid.NewGuid().ToString(), StringComparison.Ordinal);
        }

        return System.Text.Encoding.UTF8.GetBytes(text);
    }

    /// <summary>The text of the MedCom message of <paramref name="role"/> the case sent the GP (every string of the FHIR document).</summary>
    private async Task<string> GpMessageTextAsync(Guid caseId, string role)
    {
        var raw = await _host.App.QuerySingleAsync<byte[]>(
            "SELECT m.raw FROM case_messages cm JOIN messages m ON m.id = cm.message_id WHERE cm.case_id = @id AND cm.role = @role",
            new { id = caseId.ToString(), role });
        using var document = JsonDocument.Parse(raw);
        var strings = new List<string>();
        void Collect(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object: foreach (var p in e.EnumerateObject()) { Collect(p.Value); } break;
                case JsonValueKind.Array: foreach (var i in e.EnumerateArray()) { Collect(i); } break;
                case JsonValueKind.String: strings.Add(e.GetString()!); break;
            }
        }

        Collect(document.RootElement);
        return string.Join("\n", strings);
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

        // The GP is told that consent is already given and the case goes to the next meeting, not that requests are on their way.
        Assert.Equal(0, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM case_messages WHERE case_id = @id AND role = 'GpReceipt'", new { id = second.ToString() }));
        var receipt = await GpMessageTextAsync(second, nameof(LetterKind.GpReceiptConsentJoined));
        Assert.Contains("Der foreligger allerede et gyldigt samtykke", receipt, StringComparison.Ordinal);
        Assert.Contains("Sagen behandles på udvalgets næste møde.", receipt, StringComparison.Ordinal);
        Assert.DoesNotContain("anmodning om samtykke", receipt, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("skal dog give samtykke", receipt, StringComparison.Ordinal);
        Assert.Contains("anmodning om samtykke", await GpMessageTextAsync(first, nameof(LetterKind.GpReceipt)), StringComparison.Ordinal);

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

    [Fact]
    public async Task A_re_referral_after_the_child_turned_15_asks_only_the_child_says_so_to_the_gp_and_writes_to_the_child_as_the_child()
    {
        // The first case: the teenager is 14, so only the custody holder consents.
        var first = await _host.ReferAsync(TeenagerReferral(fresh: false), 1);
        var holder = Assert.Single((await _host.Queries.GetAsync(first, CancellationToken.None))!.Parties).PartyId;
        Assert.True(await _host.Consent.RegisterConsentAsync(first, holder, ConsentAnswer.Given, "sundhedsplejerske", CancellationToken.None));
        await _host.SweepAsync();
        var onAgenda = (await _host.Queries.GetAsync(first, CancellationToken.None))!;
        Assert.Equal(CaseState.OnAgenda, onAgenda.State);
        _host.Clock.SetUtcNow(onAgenda.Agenda!.Meeting.AddHours(1));
        Assert.True(await _host.Staff.RecordDecisionAsync(first, "Forløb hos PPR", "PPR", "Udvalget anbefaler et forløb hos PPR.", "udvalg", CancellationToken.None));
        await _host.SweepAsync();

        // Two months later the child is 15: the holder's consent is joined, the child is asked in the child's own words.
        _host.Clock.Advance(TimeSpan.FromDays(60));
        var second = await _host.ReferAsync(TeenagerReferral(fresh: true), 2);
        await _host.SweepAsync();
        var joined = (await _host.Queries.GetAsync(second, CancellationToken.None))!;
        Assert.Equal(first, joined.ConsentFromCase);
        Assert.Equal(CaseState.AwaitingConsent, joined.State);
        Assert.Equal(ConsentAnswer.Given, joined.Parties.Single(p => p.PartyId == holder).Answer);
        Assert.Equal(ConsentAnswer.Pending, joined.Parties.Single(p => p.PartyId == Teenager && p.Role == PartyRole.Child).Answer);

        var receipt = await GpMessageTextAsync(second, nameof(LetterKind.GpReceiptConsentJoined));
        Assert.Contains("Der foreligger allerede et gyldigt samtykke", receipt, StringComparison.Ordinal);
        Assert.Contains("Først skal barnet, der nu er fyldt 15 år, dog give samtykke", receipt, StringComparison.Ordinal);

        var request = Assert.Single(await _host.App.QueryAsync<(string PartyId, string Body)>(
            "SELECT party_id, body FROM letters WHERE case_id = @id AND kind = 'ConsentRequest'", new { id = second.ToString() }));
        Assert.Equal(Teenager, request.PartyId);
        Assert.Contains("Fordi du er fyldt 15 år, skal du selv give samtykke", request.Body, StringComparison.Ordinal);
        Assert.Contains("dit samtykke", request.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("jeres", request.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Telefon 70 00 00 00", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_withdrawal_on_the_earlier_case_stops_the_later_case_that_joined_its_consent_with_its_own_letters()
    {
        var first = await DecidedCaseAsync();
        _host.Clock.Advance(TimeSpan.FromDays(120));
        var second = await _host.ReferAsync(ReReferral(), 2);
        await _host.SweepAsync();
        var onAgenda = (await _host.Queries.GetAsync(second, CancellationToken.None))!;
        Assert.Equal(CaseState.OnAgenda, onAgenda.State);
        Assert.NotNull(onAgenda.Agenda);

        // A custody holder withdraws consent by contacting the committee; staff record it on the earlier, decided case.
        var (withdrawer, other) = (onAgenda.Parties[0].PartyId, onAgenda.Parties[1].PartyId);
        Assert.True(await _host.Consent.RegisterConsentAsync(first, withdrawer, ConsentAnswer.Withdrawn, "sundhedsplejerske", CancellationToken.None));
        await _host.SweepAsync();

        var earlier = (await _host.Queries.GetAsync(first, CancellationToken.None))!;
        Assert.Equal(CaseState.ConsentWithdrawn, earlier.State);
        Assert.Equal(CourseState.Closed, (await _host.App.Services.GetRequiredService<CourseQueries>().GetAsync(first, CancellationToken.None))!.State);
        Assert.Contains(earlier.Timeline, t => t.Text.StartsWith($"Tilbagetrækningen gælder også barnets sag {second}", StringComparison.Ordinal));

        // The later case stops as a withdrawal on it would: off the agenda, on the list, the GP and the other holder told.
        var later = (await _host.Queries.GetAsync(second, CancellationToken.None))!;
        Assert.Equal(CaseState.ConsentWithdrawn, later.State);
        Assert.True(later.NeedsAction);
        Assert.Null(await _host.App.QuerySingleAsync<long?>("SELECT meeting_at FROM cases WHERE id = @id", new { id = second.ToString() }));
        Assert.Equal(ConsentAnswer.Withdrawn, later.Parties.Single(p => p.PartyId == withdrawer).Answer);
        Assert.Contains(later.Timeline, t => t.Text.StartsWith($"Samtykket er trukket tilbage af en forældremyndighedsindehaver i barnets sag {first}", StringComparison.Ordinal));
        Assert.Contains(later.Timeline, t => t.Text == "Taget af dagsordenen");
        var stop = Assert.Single(later.Letters, l => l.Kind == LetterKind.ConsentStopped);
        Assert.Equal(other, stop.PartyId);
        Assert.Equal("delivered", stop.Status);
        Assert.Equal(1, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM case_messages WHERE case_id = @id AND role = 'ConsentStopped'", new { id = second.ToString() }));
        Assert.Equal(2, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases WHERE state = 'ConsentWithdrawn'"));

        // A third referral finds no valid consent to join: the family is asked again.
        _host.Clock.Advance(TimeSpan.FromDays(1));
        var third = await _host.ReferAsync(ReReferral(), 3);
        var asked = (await _host.Queries.GetAsync(third, CancellationToken.None))!;
        Assert.Null(asked.ConsentFromCase);
        Assert.Equal(CaseState.AwaitingConsent, asked.State);
    }
}
