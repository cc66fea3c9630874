using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MedComMailbox.Core.Consent;
using MedComMailbox.Tests;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace MedComMailbox.BrowserTests;

/// <summary>The browser host on a fake clock, so weeks can pass between two clicks; the sweep runs as in production.</summary>
public sealed class CourseBrowserHost : BrowserHost
{
    public FakeTimeProvider Clock { get; } = new(FakeClockSettings.Monday);

    protected override void ConfigureMore(IWebHostBuilder builder)
    {
        foreach (var (key, value) in FakeClockSettings.Housekeeping)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>
/// The child's course after the committee's decision, in a real browser: the decision hands the case to PPR → the start
/// meeting is planned → its deadline passes (start page and operations page show it) → the reason is written → the start
/// meeting and a follow-up are held with the action plan → nothing is planned, the course stalls and returns to the
/// committee's agenda → the committee hands it to the school → the closing meeting ends the course. Screenshots of each step.
/// </summary>
public sealed class CourseTests(CourseBrowserHost host) : IClassFixture<CourseBrowserHost>
{
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");
    private readonly CourseBrowserHost _host = host;
    private readonly string _shots = Path.Combine(RepoPaths.Root, "artifacts", "browser-screenshots", nameof(CourseTests));
    private int _shot;

    [SkippableFact]
    public async Task A_course_goes_from_the_decision_through_start_and_follow_up_to_the_closing_meeting_with_a_missed_deadline_and_a_stall()
    {
        BrowserHost.RequireChromium();
        Directory.CreateDirectory(_shots);
        var clock = _host.Clock;

        using (var sent = await _host.SendAsync("carecommunication/gp-referral-child.json"))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        await BrowserHost.EventuallyAsync(async () => (await _host.QueryAsync<long>("SELECT COUNT(*) FROM cases")).Single() == 1, "the referral opened a case");
        var caseId = Guid.Parse((await _host.QueryAsync<string>("SELECT id FROM cases")).Single());
        await BrowserHost.EventuallyAsync(async () => (await _host.QueryAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest'")).Single() == 2, "consent requests queued");

        // Consent (walked in DailyWorkTests) is registered directly; the sweep re-checks custody and sets the agenda.
        var consent = _host.Services.GetRequiredService<ConsentCommands>();
        foreach (var party in await _host.QueryAsync<string>("SELECT DISTINCT party_id FROM letters WHERE kind = 'ConsentRequest'"))
        {
            Assert.True(await consent.RegisterConsentAsync(caseId, party, ConsentAnswer.Given, "sundhedsplejerske", CancellationToken.None));
        }

        await BrowserHost.EventuallyAsync(async () => (await _host.QueryAsync<string>("SELECT state FROM cases")).Single() == "OnAgenda", "the case on the agenda");
        var meeting = DateTimeOffset.FromUnixTimeMilliseconds((await _host.QueryAsync<long>("SELECT meeting_at FROM cases")).Single());
        clock.SetUtcNow(meeting.AddHours(1));

        await using var context = await _host.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseUrl, Locale = "da-DK" });
        var page = await context.NewPageAsync();

        // The committee decides: PPR is responsible.
        await SignInAsync(context, page, "udvalg", "/udvalg");
        var item = page.Locator("article.item", new() { HasText = "Alma" });
        await item.GetByLabel("Afgørelse", new() { Exact = true }).FillAsync("Forløb i PPR");
        await item.GetByLabel("Indsatsansvarlig", new() { Exact = true }).SelectOptionAsync("PPR");
        await item.GetByLabel("Referat").FillAsync("Alma tilbydes et forløb i PPR.");
        await item.GetByRole(AriaRole.Button, new() { Name = "Vis breve" }).ClickAsync();
        await Assertions.Expect(item.Locator(".letter-text").First).ToContainTextAsync("Alma tilbydes et forløb i PPR.");
        await item.GetByRole(AriaRole.Button, new() { Name = "Send afgørelsen" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice.ok")).ToContainTextAsync("Afgørelsen for Alma");
        await Shot(page, "decision");

        // The health visitor opens the course: the start meeting is due four weeks after the decision.
        await SignInAsync(context, page, "sundhedsplejerske", $"/sager/{caseId}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Se barnets forløb" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/forloeb$"));
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("PPR");
        await Assertions.Expect(page.Locator("table.milestones")).ToContainTextAsync("Opstartsmøde");
        await Assertions.Expect(page.Locator("table.milestones")).ToContainTextAsync("Fristen løber");
        await Shot(page, "course-started");

        // Plan the start meeting: the family and the GP are told.
        await page.GetByLabel("Tidspunkt").FillAsync(Local(clock.GetUtcNow().AddDays(10)));
        await page.Locator("#plan-place").FillAsync("PPR, Torvet 1");
        await page.Locator("#plan-participants").FillAsync("Ida Holm, psykolog\nSara Berg, sundhedsplejerske");
        await page.GetByRole(AriaRole.Button, new() { Name = "Planlæg mødet og giv familien og lægen besked" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice.ok")).ToContainTextAsync("Mødet er planlagt");
        await Assertions.Expect(page.Locator("table.milestones")).ToContainTextAsync("PPR, Torvet 1");
        await Shot(page, "start-planned");
        await BrowserHost.EventuallyAsync(
            async () => (await _host.QueryAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'CourseMeeting' AND status IN ('accepted', 'delivered')")).Single() == 2,
            "the meeting letters to both custody holders sent");

        // The meeting is postponed and the deadline passes: the start page and the operations page show it.
        var startDeadline = DateTimeOffset.FromUnixTimeMilliseconds((await _host.QueryAsync<long>("SELECT start_deadline FROM courses")).Single());
        clock.SetUtcNow(startDeadline.AddHours(2));
        await BrowserHost.EventuallyAsync(async () => (await _host.QueryAsync<long>("SELECT needs_reason FROM courses")).Single() == 1, "the missed deadline noticed by the sweep");
        await SignInAsync(context, page, "sundhedsplejerske", "/start");
        await Assertions.Expect(page.Locator("#forloeb-frister")).ToContainTextAsync("1 forløb med overskredet frist uden begrundelse");
        await Shot(page, "start-page-missed-deadline");
        await page.GotoAsync("/drift");
        await Assertions.Expect(page.Locator("#forloeb + table")).ToContainTextAsync("Begrundelse for overskredet frist");
        await Shot(page, "operations-missed-deadline");

        // The reason is written on the case.
        await page.GotoAsync($"/sager/{caseId}/forloeb");
        await Assertions.Expect(page.Locator("table.milestones")).ToContainTextAsync("Frist overskredet");
        await page.GetByLabel("Begrundelse", new() { Exact = true }).FillAsync("Familien aflyste to gange på grund af sygdom.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Gem begrundelse" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice.ok")).ToContainTextAsync("Begrundelsen er gemt");
        await Assertions.Expect(page.Locator("table.milestones")).ToContainTextAsync("Begrundelse: Familien aflyste to gange");
        await Shot(page, "reason-written");

        // The start meeting is held; the action plan's first version is written.
        await HoldAsync(page, clock.GetUtcNow(), "Alma vil gerne i skole igen.");
        await Assertions.Expect(page.Locator("table.milestones")).ToContainTextAsync("Opfølgningsmøde");
        await Shot(page, "start-held");

        // The follow-up a few weeks later; nothing planned after it.
        clock.Advance(TimeSpan.FromDays(21));
        await SignInAsync(context, page, "sundhedsplejerske", $"/sager/{caseId}/forloeb");
        await page.Locator("#held-next-kind").SelectOptionAsync("FollowUp");
        await HoldAsync(page, clock.GetUtcNow(), "Skolen og PPR mødes igen efter behov.");
        await Shot(page, "follow-up-held");

        // Two weeks without a planned meeting: the course stalls and is back on the committee's agenda.
        clock.Advance(TimeSpan.FromDays(15));
        await BrowserHost.EventuallyAsync(async () => (await _host.QueryAsync<string>("SELECT state FROM courses")).Single() == "Stalled", "the stalled course noticed by the sweep");
        await SignInAsync(context, page, "sundhedsplejerske", "/start");
        await Assertions.Expect(page.Locator("#forloeb-i-staa")).ToContainTextAsync("1 forløb, der er gået i stå");
        await Shot(page, "start-page-stalled");
        await SignInAsync(context, page, "udvalg", "/udvalg");
        var stalled = page.Locator("article.stalled", new() { HasText = "Alma" });
        await Assertions.Expect(stalled).ToHaveCountAsync(1);
        await Shot(page, "committee-stalled");
        await stalled.GetByLabel("Indsatsansvarlig").SelectOptionAsync("Skolen");
        await stalled.GetByLabel("Udvalgets bemærkning").FillAsync("Skolen overtager forløbet og indkalder til afslutningsmøde.");
        await stalled.GetByRole(AriaRole.Button, new() { Name = "Genoptag forløbet" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice.ok")).ToContainTextAsync("genoptaget hos Skolen");
        await Assertions.Expect(page.Locator("article.stalled")).ToHaveCountAsync(0);
        await Shot(page, "committee-resumed");

        // The school holds another follow-up that agrees on the closing meeting, then the closing meeting.
        clock.Advance(TimeSpan.FromDays(3));
        await SignInAsync(context, page, "sundhedsplejerske", $"/sager/{caseId}/forloeb");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Skolen");
        await page.Locator("#held-next-kind").SelectOptionAsync("Closing");
        await page.Locator("#held-next-at").FillAsync(Local(clock.GetUtcNow().AddDays(14)));
        await page.Locator("#held-next-place").FillAsync("Skolen, mødelokale 2");
        await HoldAsync(page, clock.GetUtcNow(), "Afslutning aftalt.");
        await Assertions.Expect(page.Locator("table.milestones")).ToContainTextAsync("Afslutningsmøde");
        await Assertions.Expect(page.Locator("table.milestones")).ToContainTextAsync("Skolen, mødelokale 2");
        await Shot(page, "closing-planned");

        clock.Advance(TimeSpan.FromDays(14));
        await SignInAsync(context, page, "sundhedsplejerske", $"/sager/{caseId}/forloeb");
        await HoldAsync(page, clock.GetUtcNow(), "Forløbet afsluttes.");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Afsluttet");
        await Shot(page, "course-closed");
        Assert.Equal("Closed", (await _host.QueryAsync<string>("SELECT state FROM courses")).Single());

        // The action plan: four versions, each printable; every view is in the audit log.
        await page.GetByRole(AriaRole.Link, new() { Name = "Version 1" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Fælles forpligtende handleplan");
        await Assertions.Expect(page.Locator("article.action-plan")).ToContainTextAsync("Alma vil gerne i skole igen.");
        await Assertions.Expect(page.Locator("article.action-plan")).ToContainTextAsync("Opstartsmøde");
        await Shot(page, "action-plan");
        Assert.Equal(4L, (await _host.QueryAsync<long>("SELECT COUNT(*) FROM action_plans")).Single());
        var audit = await _host.QueryAsync<string>("SELECT action FROM audit_log");
        Assert.Contains("view-action-plan", audit);
        Assert.Contains("hand-over-course", audit);
        Assert.Contains("view-course", audit);
        var timeline = await _host.QueryAsync<string>("SELECT text FROM case_events ORDER BY id");
        Assert.Contains(timeline, t => t.StartsWith("Forløbet er afsluttet", StringComparison.Ordinal));
    }

    private async Task HoldAsync(IPage page, DateTimeOffset day, string agreements)
    {
        await page.Locator("#held-on").FillAsync(TimeZoneInfo.ConvertTime(day, Copenhagen).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.Locator("#held-place").FillAsync("PPR, Torvet 1");
        await page.Locator("#held-works").FillAsync("Alma har det godt i frikvartererne.");
        await page.Locator("#held-hard").FillAsync("Morgenerne.");
        await page.Locator("#held-agreements").FillAsync(agreements);
        await page.GetByRole(AriaRole.Button, new() { Name = "Registrér mødet og gem handleplanen" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice.ok")).ToContainTextAsync("Mødet er registreret");
    }

    /// <summary>Signs in afresh as <paramref name="role"/> (weeks pass on the fake clock, so an earlier sign-in has expired).</summary>
    private static async Task SignInAsync(IBrowserContext context, IPage page, string role, string path)
    {
        await context.ClearCookiesAsync();
        await page.GotoAsync(path);
        Assert.Contains("/log-ind", page.Url, StringComparison.Ordinal);
        await page.CheckAsync($"input[value='{role}']");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/log-ind", StringComparison.Ordinal));
    }

    private static string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Copenhagen).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_shots, $"{++_shot:00}-{name}.png"), FullPage = true });
}
