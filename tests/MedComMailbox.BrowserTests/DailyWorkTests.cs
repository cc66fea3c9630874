using System.Net;
using System.Text.RegularExpressions;
using MedComMailbox.Tests;
using Microsoft.Playwright;

namespace MedComMailbox.BrowserTests;

/// <summary>
/// A health visitor's and the committee's day in a real browser: sign in → see the new referral → open it → reply →
/// register a paper consent for each custody holder → the case on the agenda → record the decision. Every step is
/// checked on the page a person sees and in the database; every step leaves a screenshot.
/// </summary>
public sealed class DailyWorkTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private readonly BrowserHost _host = host;
    private readonly string _shots = Path.Combine(RepoPaths.Root, "artifacts", "browser-screenshots", nameof(DailyWorkTests));
    private int _shot;

    [SkippableFact]
    public async Task A_referral_goes_from_the_inbox_through_paper_consent_to_the_committee_decision()
    {
        BrowserHost.RequireChromium();
        Directory.CreateDirectory(_shots);

        using (var sent = await _host.SendAsync("carecommunication/gp-referral-child.json"))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        await BrowserHost.EventuallyAsync(async () => (await _host.QueryAsync<long>("SELECT COUNT(*) FROM cases")).Single() == 1, "the referral opened a case");

        await using var context = await _host.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseUrl, Locale = "da-DK" });
        var page = await context.NewPageAsync();

        // Sign in as the health visitor (development sign-in).
        await page.GotoAsync("/indbakke");
        Assert.Contains("/log-ind", page.Url, StringComparison.Ordinal);
        await page.CheckAsync("input[value='sundhedsplejerske']");
        await Shot(page, "sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/indbakke"));

        // The new referral is in the inbox, unread.
        var row = page.Locator("table.inbox tbody tr", new() { HasText = "Henvisning til koordinationsudvalget" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("Ulæst");
        await Assertions.Expect(row).ToContainTextAsync("Alma");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Nye 1" })).ToBeVisibleAsync();
        await Shot(page, "inbox");

        // Open it: the thread shows the GP's text and our automatic receipt.
        await row.GetByRole(AriaRole.Link, new() { Name = "Henvisning til koordinationsudvalget" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/beskeder/"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Henvisning til koordinationsudvalget");
        await Assertions.Expect(page.Locator(".thread-message.theirs").First).ToContainTextAsync("Jeg henviser hermed Alma");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("120114-9996");
        await Shot(page, "message");

        // Reply to the GP in the thread.
        await page.GetByLabel("Tekst").FillAsync("Tak for henvisningen. Vi kontakter forældrene om samtykke i denne uge.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send svar" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice.ok")).ToContainTextAsync("Svaret er sendt");
        await Assertions.Expect(page.Locator(".thread-message.ours", new() { HasText = "Vi kontakter forældrene" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Behandlet");
        await Shot(page, "replied");
        var sentToGp = await _host.QueryAsync<byte[]>("SELECT raw FROM messages WHERE direction = 'out' AND kind = 'CareCommunication' AND receiver_gln = '5790000882007'");
        Assert.Single(sentToGp, raw => System.Text.Encoding.UTF8.GetString(raw).Contains("Vi kontakter forældrene", StringComparison.Ordinal));

        // The case: register a paper consent for each custody holder.
        await page.GetByRole(AriaRole.Link, new() { Name = "Åbn henvisningens sag" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/sager/"));
        var holders = await page.Locator("select#partyId option").AllAsync();
        Assert.Equal(2, holders.Count);
        foreach (var holder in holders.Select((_, i) => i))
        {
            await page.Locator("select#partyId").SelectOptionAsync(new SelectOptionValue { Index = holder });
            await page.Locator("select#answer").SelectOptionAsync("Given");
            await page.GetByRole(AriaRole.Button, new() { Name = "Registrér", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator(".notice.ok")).ToContainTextAsync("Registreret");
        }

        await Shot(page, "paper-consent");

        // Custody is checked again by the sweep, then the case is on the agenda.
        await BrowserHost.EventuallyAsync(
            async () => (await _host.QueryAsync<string>("SELECT state FROM cases")).Single() == "OnAgenda", "the case on the committee's agenda");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("På udvalgets dagsorden");
        await Shot(page, "case-on-agenda");

        // A committee member signs in and records the decision.
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ud" }).ClickAsync();
        await page.GotoAsync("/udvalg");
        await page.CheckAsync("input[value='udvalg']");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/udvalg"));
        var item = page.Locator("article.item", new() { HasText = "Alma" });
        await Assertions.Expect(item).ToHaveCountAsync(1);
        await Shot(page, "agenda");

        // Before the meeting has started the decision is refused with a Danish sentence, not an error page.
        await item.GetByLabel("Afgørelse", new() { Exact = true }).FillAsync("Forløb i PPR");
        await item.GetByLabel("Referat").FillAsync("For tidligt.");
        await item.GetByRole(AriaRole.Button, new() { Name = "Vis breve" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice.bad")).ToContainTextAsync("når mødet er begyndt");
        await Assertions.Expect(page.Locator("article.item", new() { HasText = "Alma" }).GetByLabel("Referat")).ToHaveValueAsync("For tidligt.");
        Assert.Equal("OnAgenda", (await _host.QueryAsync<string>("SELECT state FROM cases")).Single());

        // The meeting has started (this host runs on the real clock: the stored meeting moves an hour into the past,
        // column and snapshot together, the version bumped so a concurrent writer retries); the committee decides.
        var started = DateTimeOffset.UtcNow.AddHours(-1);
        await _host.QueryAsync<long>(
            "UPDATE cases SET meeting_at = @at, snapshot = json_set(snapshot, '$.agenda.meeting', @iso), version = version + 1 WHERE state = 'OnAgenda'",
            new { at = started.ToUnixTimeMilliseconds(), iso = started.ToString("O") });
        await page.GotoAsync("/udvalg");
        item = page.Locator("article.item", new() { HasText = "Alma" });
        const string summary = "Alma tilbydes et forløb i PPR. Sundhedsplejersken holder opstartsmøde med familien inden fire uger.";
        await item.GetByLabel("Afgørelse", new() { Exact = true }).FillAsync("Forløb i PPR");
        await item.GetByLabel("Referat").FillAsync("Alma tilbydes et forløb.");
        await item.GetByRole(AriaRole.Button, new() { Name = "Vis breve" }).ClickAsync();

        // The preview: the letter to the GP and one to each custody holder, nothing sent yet; back to edit keeps the values.
        item = page.Locator("article.item", new() { HasText = "Alma" });
        await Assertions.Expect(item.Locator(".letter-text")).ToHaveCountAsync(3);
        await Assertions.Expect(item.GetByRole(AriaRole.Heading, new() { Name = "Til lægen (MedCom)", Exact = false })).ToHaveCountAsync(1);
        Assert.Equal(0, (await _host.QueryAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'Decision'")).Single());
        await item.GetByRole(AriaRole.Button, new() { Name = "Ret afgørelsen" }).ClickAsync();
        item = page.Locator("article.item", new() { HasText = "Alma" });
        await Assertions.Expect(item.GetByLabel("Afgørelse", new() { Exact = true })).ToHaveValueAsync("Forløb i PPR");
        await Assertions.Expect(item.GetByLabel("Referat")).ToHaveValueAsync("Alma tilbydes et forløb.");
        await item.GetByLabel("Referat").FillAsync(summary);
        await item.GetByRole(AriaRole.Button, new() { Name = "Vis breve" }).ClickAsync();
        item = page.Locator("article.item", new() { HasText = "Alma" });
        await Assertions.Expect(item.Locator(".letter-text").First).ToContainTextAsync(summary);
        await Shot(page, "decision-preview");
        Assert.Equal("OnAgenda", (await _host.QueryAsync<string>("SELECT state FROM cases")).Single());
        await item.GetByRole(AriaRole.Button, new() { Name = "Send afgørelsen" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice.ok")).ToContainTextAsync("Afgørelsen for Alma");
        await Shot(page, "decision");

        Assert.Equal("Decided", (await _host.QueryAsync<string>("SELECT state FROM cases")).Single());
        await BrowserHost.EventuallyAsync(
            async () => (await _host.QueryAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'Decision' AND status IN ('accepted', 'delivered')")).Single() == 2,
            "the decision letters to both custody holders sent");

        // Every access to personal data on the way is in the audit log, under the person who made it.
        var audit = await _host.QueryAsync<(string User, string Action)>("SELECT user_name, action FROM audit_log ORDER BY id");
        string[] operatorActions = ["view-inbox", "view-message", "reply-message", "view-case", "register-consent"];
        foreach (var action in operatorActions)
        {
            Assert.Contains(audit, a => a.Action == action && a.User.StartsWith("Sundhedsplejerske", StringComparison.Ordinal));
        }

        Assert.Contains(audit, a => a.Action == "view-agenda" && a.User.StartsWith("Udvalgsmedlem", StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Action == "record-decision" && a.User.StartsWith("Udvalgsmedlem", StringComparison.Ordinal));
    }

    private async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_shots, $"{++_shot:00}-{name}.png"), FullPage = true });
}
