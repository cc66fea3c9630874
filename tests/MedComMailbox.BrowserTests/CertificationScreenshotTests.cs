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
        foreach (var sample in new[] { "carecommunication/non-uuid-ids.json", "carecommunication/gp-referral-with-attachment.json", "carecommunication/receiver-endpoint-differs-warning.json" })
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
    }

    private async Task Open(IPage page, string headerId)
    {
        var id = (await host.QueryAsync<string>("SELECT id FROM messages WHERE message_id = @headerId AND direction = 'in'", new { headerId })).Single();
        await page.GotoAsync($"/beskeder/{id}");
        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
    }

    private async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_shots, $"{name}.png"), FullPage = true });
}
