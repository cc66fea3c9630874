using System.Net;
using System.Text.RegularExpressions;
using MedComMailbox.Tests;
using Microsoft.Playwright;

namespace MedComMailbox.BrowserTests;

/// <summary>
/// The display steps of MedCom's CareCommunication receive test protocol, with our own messages, in a real browser.
/// Each step is checked on the page and leaves the screenshot docs/medcom-certification.md shows (docs/certification/).
/// </summary>
public sealed class CertificationScreenshotTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private readonly string _shots = Path.Combine(RepoPaths.Root, "docs", "certification");

    [SkippableFact]
    public async Task Receive_protocol_display_steps_show_what_medcom_checks()
    {
        BrowserHost.RequireChromium();
        Directory.CreateDirectory(_shots);
        foreach (var sample in new[] { "carecommunication/non-uuid-ids.json", "carecommunication/gp-referral-with-attachment.json", "carecommunication/receiver-endpoint-differs-warning.json",
                     "carecommunication/replacement-cpr.json", "carecommunication/episode-of-care.json" })
        {
            using var sent = await host.SendAsync(sample);
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        await using var context = await host.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.BaseUrl, Locale = "da-DK" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/indbakke");
        await page.CheckAsync("input[value='sundhedsplejerske']");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/indbakke"));

        // Instance ids that are not UUIDs: loaded and shown like any other message.
        await Open(page, "msg.01-a");
        await Assertions.Expect(page.Locator(".thread-message.current")).ToContainTextAsync("Jeg henviser hermed Alma");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Vedr. henvisning");
        await Shot(page, "non-uuid-ids");

        // Attachment: title, author, creation date and a readable size; the category in Danish.
        var attachmentId = (await host.QueryAsync<string>("SELECT message_id FROM messages WHERE direction = 'in' AND size_bytes > 0 AND raw LIKE '%Udtalelse fra skolen%'"))[0];
        await Open(page, attachmentId);
        var attachment = page.Locator("p.attachment", new() { HasText = "Udtalelse fra skolen" });
        await Assertions.Expect(attachment).ToContainTextAsync("611 B");
        await Assertions.Expect(attachment).ToContainTextAsync("oprettet 06-03-2026 kl. 14:00");
        await Shot(page, "attachment");

        // The parallel-reply addressing: the endpoint names another SOR id, the GLN is ours: loaded, with a visible warning.
        var differsId = (await host.QueryAsync<string>("SELECT message_id FROM messages WHERE direction = 'in' AND raw LIKE '%1234571000016003%' AND mailbox_gln = '5790000991006'"))[0];
        await Open(page, differsId);
        await Assertions.Expect(page.Locator(".notice.warn")).ToContainTextAsync("andet SOR-id");
        await Shot(page, "endpoint-differs-warning");

        // Replacement CPR: labelled as such, and once triage has routed it, no case, with the reason on the message.
        var replacement = await Routed("5d0a3c3e-6f2b-4b8e-9c51-2a7f0e1d9b41");
        Assert.Null(replacement.CaseId);
        Assert.Equal(0L, (await host.QueryAsync<long>(
            "SELECT COUNT(*) FROM cases c JOIN messages m ON m.id = c.referral_message_id WHERE m.message_id = '5d0a3c3e-6f2b-4b8e-9c51-2a7f0e1d9b41'")).Single());
        await Open(page, "5d0a3c3e-6f2b-4b8e-9c51-2a7f0e1d9b41");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("erstatnings-CPR 1201141XK3");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync(
            "Der er ikke oprettet en sag for beskeden. Barnet har kun et erstatnings-CPR-nummer, så forældremyndighed og samtykke kan ikke slås op i CPR");
        await Assertions.Expect(page.GetByText("Åbn henvisningens sag")).ToHaveCountAsync(0);
        await Shot(page, "replacement-cpr");

        // episodeOfCare: the identifier from the Communication's Encounter is in the message facts.
        await Open(page, "7e2b9d14-0c5a-4f3e-b861-4d7a2c9e0f58");
        await Assertions.Expect(page.Locator("dl.facts dt", new() { HasText = "Forløb (episodeOfCare)" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("forloeb-2026-0417");
        await Shot(page, "episode-of-care");

        // Acknowledgement protocol, display step: what we answered to each message, and our reply waiting for its answer.
        await page.GotoAsync("/indbakke/kvitteringer");
        var episodeRow = page.Locator("table.acknowledgements tr", new() { HasText = "7e2b9d14-0c5a-4f3e-b861-4d7a2c9e0f58" });
        await Assertions.Expect(episodeRow).ToContainTextAsync("Positiv (ok)");
        await Assertions.Expect(episodeRow).ToContainTextAsync("lokationsnummer 5790000882007");
        await Shot(page, "acknowledgements-sent");

        await Open(page, "7e2b9d14-0c5a-4f3e-b861-4d7a2c9e0f58");
        await page.GetByLabel("Tekst").FillAsync("Tak for henvisningen. Vi vender tilbage.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send svar" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice.ok")).ToContainTextAsync("Svaret er sendt");
        await page.GotoAsync("/indbakke/kvitteringer?retning=modtagne&kode=venter");
        var waiting = page.Locator("table.acknowledgements tbody tr");
        await Assertions.Expect(waiting.First).ToContainTextAsync("Venter på kvittering");
        await Assertions.Expect(waiting.First).ToContainTextAsync("1 gang");
        await Shot(page, "acknowledgements-waiting");
    }

    private async Task Open(IPage page, string headerId)
    {
        var id = (await host.QueryAsync<string>("SELECT id FROM messages WHERE message_id = @headerId AND direction = 'in'", new { headerId })).Single();
        await page.GotoAsync($"/beskeder/{id}");
        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
    }

    /// <summary>Waits until triage has put the message in the inbox; its inbox item's case (null: none was opened).</summary>
    private async Task<(string ItemId, string? CaseId)> Routed(string headerId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var rows = await host.QueryAsync<(string ItemId, string? CaseId)>(
                "SELECT i.id, i.case_id FROM inbox_items i JOIN messages m ON m.id = i.message_id WHERE m.message_id = @headerId AND m.direction = 'in'", new { headerId });
            if (rows.Count == 1)
            {
                return rows[0];
            }

            Assert.True(DateTime.UtcNow < deadline, $"message {headerId} was not routed to the inbox");
            await Task.Delay(100);
        }
    }

    private async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_shots, $"{name}.png"), FullPage = true });
}
