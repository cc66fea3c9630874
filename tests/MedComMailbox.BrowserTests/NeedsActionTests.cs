using System.Net;
using System.Text.RegularExpressions;
using MedComMailbox.Tests;
using Microsoft.Playwright;

namespace MedComMailbox.BrowserTests;

/// <summary>
/// "No case left unseen" in a real browser: a custody holder refuses → the case shows as "Standset – samtykke afslået",
/// is counted on the start page and listed under "Kræver handling" → a person closes it with a reason → off the list.
/// </summary>
public sealed class NeedsActionTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private readonly BrowserHost _host = host;
    private readonly string _shots = Path.Combine(RepoPaths.Root, "artifacts", "browser-screenshots", nameof(NeedsActionTests));
    private int _shot;

    [SkippableFact]
    public async Task A_refused_case_stays_on_the_kraever_handling_list_and_the_start_page_until_a_person_closes_it_with_a_reason()
    {
        BrowserHost.RequireChromium();
        Directory.CreateDirectory(_shots);
        using (var sent = await _host.SendAsync("carecommunication/gp-referral-child.json"))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        await BrowserHost.EventuallyAsync(async () => (await _host.QueryAsync<long>("SELECT COUNT(*) FROM cases")).Single() == 1, "the referral opened a case");
        var caseId = Guid.Parse((await _host.QueryAsync<string>("SELECT id FROM cases")).Single());

        await using var context = await _host.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseUrl, Locale = "da-DK" });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/sager/{caseId}");
        await page.CheckAsync("input[value='sundhedsplejerske']");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/sager/"));

        // One holder refuses on paper.
        await page.Locator("select#partyId").SelectOptionAsync(new SelectOptionValue { Index = 0 });
        await page.Locator("select#answer").SelectOptionAsync("Refused");
        await page.GetByRole(AriaRole.Button, new() { Name = "Registrér", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Standset – samtykke afslået");
        await Assertions.Expect(page.Locator("#kraever-handling")).ToContainTextAsync("Kræver handling");
        await Shot(page, "refused");

        // The start page counts it and links to the list.
        await page.GotoAsync("/start");
        await Assertions.Expect(page.Locator("li#kraever-handling strong")).ToHaveTextAsync("1");
        await page.Locator("li#kraever-handling").GetByRole(AriaRole.Link, new() { Name = "se listen" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/sager/kraever-handling$"));
        await Assertions.Expect(page.Locator("table#kraever-handling tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("table#kraever-handling")).ToContainTextAsync("Standset – samtykke afslået");
        await Shot(page, "list");

        // A person closes it with a reason.
        await page.Locator("table#kraever-handling").GetByRole(AriaRole.Link, new() { Name = "Alma" }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"/sager/{caseId}$"));
        await page.GetByLabel("Årsag").FillAsync("Talt med forældrene; de henvender sig igen, hvis de ønsker det");
        await page.GetByRole(AriaRole.Button, new() { Name = "Luk sagen" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice.ok")).ToContainTextAsync("fjernet fra listen");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Talt med forældrene");
        await Assertions.Expect(page.Locator("#kraever-handling")).ToHaveCountAsync(0);
        await Shot(page, "closed");

        await page.GotoAsync("/sager/kraever-handling");
        await Assertions.Expect(page.Locator("#ingen")).ToBeVisibleAsync();
        await page.GotoAsync("/start");
        await Assertions.Expect(page.Locator("li#kraever-handling strong")).ToHaveTextAsync("0");

        var audit = await _host.QueryAsync<string>("SELECT action FROM audit_log WHERE target_id = @id", new { id = caseId.ToString() });
        Assert.Contains("close-case", audit);
    }

    private async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_shots, $"{++_shot:00}-{name}.png"), FullPage = true });
}
