using System.Net;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Referrals;
using MedComMailbox.IntegrationTests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>The start page's summary of the day, counted from seeded rows at a fixed time, within the user's mailboxes.</summary>
public sealed class StartPageTests : IDisposable
{
    // A Monday; the committee's next meeting is Wednesday 18 November 2026 at 08:30 Copenhagen time.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero));
    private readonly MailboxApp _app;

    public StartPageTests()
    {
        _app = Seed.App(_time);
        _ = _app.Server;
    }

    public void Dispose() => _app.Dispose();

    private DateTimeOffset Now => _time.GetUtcNow();

    private async Task SeedDayAsync()
    {
        foreach (var (mailbox, state) in new[]
                 {
                     (Seed.CoordinationMailbox, "new"), (Seed.CoordinationMailbox, "new"), (Seed.CoordinationMailbox, "new"), (Seed.CoordinationMailbox, "read"),
                     (Seed.CoordinationMailbox, "done"), (Seed.CoordinationMailbox, "done"), (Seed.OtherMailbox, "new"),
                 })
        {
            await Seed.ExecuteAsync(_app,
                "INSERT INTO inbox_items (id, message_id, mailbox_gln, state, created_at, received_at) VALUES (@id, @message, @mailbox, @state, @now, @now)",
                new { id = Guid.NewGuid().ToString(), message = Guid.NewGuid().ToString(), mailbox, state, now = Now.ToUnixTimeMilliseconds() });
        }

        async Task AwaitingAsync(TimeSpan deadlineFromNow, string mailbox = Seed.CoordinationMailbox, CaseState state = CaseState.AwaitingConsent) =>
            await Seed.CaseAsync(_app, state, Now.AddDays(-10), "Lægerne i Eksempelby", "1201149996", [ConsentAnswer.Pending], mailboxGln: mailbox, consentDeadline: Now + deadlineFromNow);
        await AwaitingAsync(TimeSpan.FromHours(-1));
        await AwaitingAsync(TimeSpan.FromHours(-5), Seed.OtherMailbox);
        await AwaitingAsync(TimeSpan.FromDays(1));
        await AwaitingAsync(TimeSpan.FromDays(1.9));
        await AwaitingAsync(TimeSpan.FromDays(10));
        await AwaitingAsync(TimeSpan.FromDays(-3), state: CaseState.ClosedNoConsent);

        var withLetters = await Seed.CaseAsync(_app, CaseState.AwaitingConsent, Now.AddDays(-1), "Lægerne i Eksempelby", "1201149996", [ConsentAnswer.Pending], consentDeadline: Now.AddDays(13));
        await Seed.LetterAsync(_app, withLetters, "failed", Now.AddHours(-2), "Fejl-1");
        await Seed.LetterAsync(_app, withLetters, "pending", Now.AddHours(-2));

        await Seed.MessageAsync(_app, "in", "rejected", Now.AddHours(-1), null, errorCodes: "receiver-unknown");
        await Seed.MessageAsync(_app, "in", "rejected", Now.AddHours(-23), Seed.CoordinationMailbox, errorCodes: "topic-required");
        await Seed.MessageAsync(_app, "in", "rejected", Now.AddHours(-3), Seed.OtherMailbox, errorCodes: "topic-required");
        await Seed.MessageAsync(_app, "in", "rejected", Now.AddHours(-25), Seed.CoordinationMailbox, errorCodes: "topic-required");
        await Seed.MessageAsync(_app, "in", "accepted", Now.AddHours(-1), Seed.CoordinationMailbox);

        var meeting = new DateTimeOffset(2026, 11, 18, 7, 30, 0, TimeSpan.Zero);
        foreach (var at in new[] { meeting, meeting, meeting.AddDays(7) })
        {
            await Seed.CaseAsync(_app, CaseState.OnAgenda, Now.AddDays(-20), "Lægerne i Eksempelby", "1201149996", [ConsentAnswer.Given], meetingAt: at, consentDeadline: Now.AddDays(-6));
        }
    }

    [Fact]
    public async Task The_day_is_summed_up_for_every_mailbox_with_links_to_the_new_items()
    {
        await SeedDayAsync();
        using var admin = await PageClient.StaffAsync(_app, "admin");

        var (status, html) = await admin.GetPageAsync("/start");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<a href=\"/indbakke?visning=nye&amp;postkasse=5790000991006\" aria-label=\"3 nye beskeder i Koordinationsudvalget for børn og unge, Eksempel Kommune\">3</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/indbakke?visning=nye&amp;postkasse=5790000991013\" aria-label=\"1 nye beskeder i Sundhedsplejen, Eksempel Kommune\">1</a>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"number\">4</td>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>2</strong> sager med overskredet svarfrist", html, StringComparison.Ordinal);
        Assert.Contains("<strong>2</strong> sager, hvor svarfristen for samtykke udløber inden for 2 dage", html, StringComparison.Ordinal);
        Assert.Contains("<strong>1</strong> Digital Post-breve er fejlet", html, StringComparison.Ordinal);
        Assert.Contains("<strong>3</strong> beskeder afvist det seneste døgn", html, StringComparison.Ordinal);
        Assert.Contains("<strong>2</strong> sager på dagsordenen for udvalgets næste møde 18-11-2026 kl. 08:30", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/drift#breve\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/udvalg\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("1201149996", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_limited_to_a_mailbox_counts_only_that_mailbox_and_messages_for_no_mailbox()
    {
        await SeedDayAsync();
        using var limited = await PageClient.StaffAsync(_app, Seed.LimitedOperator);

        var (_, html) = await limited.GetPageAsync("/start");

        Assert.Contains("Du arbejder i postkasserne Sundhedsplejen, Eksempel Kommune", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Seed.CoordinationMailbox, html, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"1 nye beskeder i Sundhedsplejen, Eksempel Kommune\">1</a>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>1</strong> sager med overskredet svarfrist", html, StringComparison.Ordinal);
        Assert.Contains("<strong>0</strong> sager, hvor svarfristen", html, StringComparison.Ordinal);
        Assert.Contains("<strong>0</strong> Digital Post-breve er fejlet", html, StringComparison.Ordinal);
        Assert.Contains("<strong>2</strong> beskeder afvist det seneste døgn", html, StringComparison.Ordinal);
        Assert.Contains("<strong>0</strong> sager på dagsordenen", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_committee_member_sees_the_counts_and_the_agenda_link_but_no_links_to_operator_pages()
    {
        await SeedDayAsync();
        using var committee = await PageClient.StaffAsync(_app, "udvalg");
        using var operatorClient = await PageClient.StaffAsync(_app, "sundhedsplejerske");

        var (_, committeeHtml) = await committee.GetPageAsync("/start");
        var (_, operatorHtml) = await operatorClient.GetPageAsync("/start");

        Assert.Contains("<strong>2</strong> sager på dagsordenen", committeeHtml, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/udvalg\">se dagsordenen</a>", committeeHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/indbakke", committeeHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/drift", committeeHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"/indbakke?visning=nye&amp;postkasse=", operatorHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/udvalg\"", operatorHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_a_meeting_has_started_the_next_meeting_is_the_following_one_with_only_its_own_cases()
    {
        await SeedDayAsync();

        // A minute before it begins, it is the next one, with its two cases and not the following week's.
        _time.SetUtcNow(new DateTimeOffset(2026, 11, 18, 7, 29, 0, TimeSpan.Zero));
        using var earlier = await PageClient.StaffAsync(_app, "admin");
        var (_, before) = await earlier.GetPageAsync("/start");
        Assert.Contains("<strong>2</strong> sager på dagsordenen for udvalgets næste møde 18-11-2026 kl. 08:30", before, StringComparison.Ordinal);

        // Wednesday 18 November 08:31 Copenhagen time: the 08:30 meeting (two cases, still undecided) has begun.
        _time.SetUtcNow(new DateTimeOffset(2026, 11, 18, 7, 31, 0, TimeSpan.Zero));
        using var admin = await PageClient.StaffAsync(_app, "admin");
        var (_, started) = await admin.GetPageAsync("/start");
        Assert.Contains("<strong>1</strong> sager på dagsordenen for udvalgets næste møde 25-11-2026 kl. 08:30", started, StringComparison.Ordinal);
    }
}
