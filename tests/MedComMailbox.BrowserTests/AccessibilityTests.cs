using System.Net;
using System.Text.RegularExpressions;
using MedComMailbox.Tests;
using Microsoft.Playwright;

namespace MedComMailbox.BrowserTests;

/// <summary>
/// Every staff page, as an administrator sees it with a referral in the mailbox, in a real browser: it renders, every
/// form field has a label, the first Tab stop is the "skip to content" link, and there is one h1. A screenshot of each.
/// </summary>
public sealed class AccessibilityTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const string UnlabelledFields = """
        () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
            .map(e => e.outerHTML.slice(0, 120))
        """;

    [SkippableFact]
    public async Task Every_staff_page_renders_with_labelled_fields_a_skip_link_and_one_heading()
    {
        BrowserHost.RequireChromium();
        var shots = Path.Combine(RepoPaths.Root, "artifacts", "browser-screenshots", nameof(AccessibilityTests));
        Directory.CreateDirectory(shots);
        using (var sent = await host.SendAsync("carecommunication/gp-referral-with-attachment.json"))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        await BrowserHost.EventuallyAsync(async () => (await host.QueryAsync<long>("SELECT COUNT(*) FROM cases")).Single() == 1, "the referral opened a case");
        var messageId = (await host.QueryAsync<string>("SELECT message_id FROM inbox_items")).Single();
        var caseId = (await host.QueryAsync<string>("SELECT id FROM cases")).Single();

        await using var context = await host.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.BaseUrl, Locale = "da-DK" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/log-ind");
        await page.CheckAsync("input[value='admin']");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/start"));

        string[] paths =
        [
            "/start", "/indbakke", "/indbakke?visning=alle", "/indbakke/skriv", $"/beskeder/{messageId}", "/sager", $"/sager/{caseId}", "/udvalg",
            "/drift", "/statistik", "/revision", "/administration", "/administration/brugere", "/administration/breve", "/administration/postkasser",
        ];
        var problems = new List<string>();
        var number = 0;
        foreach (var path in paths)
        {
            var response = await page.GotoAsync(path);
            if (response?.Status != 200)
            {
                problems.Add($"{path}: HTTP {response?.Status}");
                continue;
            }

            var unlabelled = await page.EvaluateAsync<string[]>(UnlabelledFields);
            problems.AddRange(unlabelled.Select(field => $"{path}: no label for {field}"));
            if (await page.Locator("h1").CountAsync() != 1)
            {
                problems.Add($"{path}: {await page.Locator("h1").CountAsync()} h1 headings");
            }

            await page.Keyboard.PressAsync("Tab");
            var first = await page.EvaluateAsync<string>("() => document.activeElement?.textContent?.trim() ?? ''");
            if (first != "Gå til indhold")
            {
                problems.Add($"{path}: the first Tab stop is '{first}', not the skip link");
            }

            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"{++number:00}-{Regex.Replace(path.Trim('/'), "[^a-z0-9]+", "-")}.png"), FullPage = true });
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
