using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Referrals;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>
/// The committee's decision in two steps over the page: "Vis breve" shows the letters to the GP and to each custody
/// holder, rendered by the workflow, and stores or sends nothing; "Ret afgørelsen" keeps the values; "Send afgørelsen"
/// records the previewed decision and sends exactly the previewed letters, and refuses when they changed in between.
/// </summary>
public sealed partial class DecisionPreviewPageTests : IDisposable
{
    private const string Summary = "PPR indkalder til opstartsmøde inden for fire uger. Skolen deltager.";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero)); // a Monday
    private readonly MailboxApp _app;

    public DecisionPreviewPageTests()
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

    private CaseQueries Queries => _app.Services.GetRequiredService<CaseQueries>();

    /// <summary>A referral with both custody holders' consent, on the agenda, the clock an hour into its meeting.</summary>
    private async Task<CaseDetail> OnAgendaAtMeetingAsync(bool meetingBegun = true)
    {
        using var response = await _app.PostAsync("/api/intake", Samples.Read("carecommunication/gp-referral-child.json"), "application/fhir+json");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await MailboxApp.Eventually(async () => await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases") == 1, "a case opened");
        var consent = _app.Services.GetRequiredService<ConsentCommands>();
        var deadlines = _app.Services.GetRequiredService<DeadlineSweep>();
        var id = Assert.Single(await Queries.ListAsync(openOnly: true, CancellationToken.None)).Id;
        foreach (var party in (await Queries.GetAsync(id, CancellationToken.None))!.Parties)
        {
            Assert.True(await consent.RegisterConsentAsync(id, party.PartyId, ConsentAnswer.Given, "sundhedsplejerske", CancellationToken.None));
        }

        await deadlines.RunDueDeadlinesAsync(CancellationToken.None);
        var onAgenda = (await Queries.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(CaseState.OnAgenda, onAgenda.State);
        _time.SetUtcNow(onAgenda.Agenda!.Meeting.AddHours(meetingBegun ? 1 : -2));
        return onAgenda;
    }

    private Dictionary<string, string> Fields(Guid caseId, string summary = Summary) => new()
    {
        ["caseId"] = caseId.ToString(),
        ["outcome"] = "Forløb i PPR",
        ["responsibleParty"] = "PPR",
        ["otherResponsibleParty"] = "",
        ["summary"] = summary,
    };

    private Task<long> DecisionLettersAsync(Guid caseId) =>
        _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE case_id = @id AND kind = 'Decision'", new { id = caseId.ToString() });

    private Task<long> SentMessagesAsync() => _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'out'");

    [Fact]
    public async Task The_preview_shows_every_letter_and_stores_nothing_and_the_send_records_and_sends_exactly_those_letters()
    {
        var onAgenda = await OnAgendaAtMeetingAsync();
        var caseId = onAgenda.Id;
        using var committee = await PageClient.StaffAsync(_app, "udvalg");
        var sentBefore = await SentMessagesAsync();
        var eventsBefore = await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM case_events WHERE case_id = @id", new { id = caseId.ToString() });

        // Step one: the preview.
        using var previewResponse = await committee.PostFormAsync("/udvalg", "/udvalg?handler=Preview", Fields(caseId));
        Assert.Equal(HttpStatusCode.OK, previewResponse.StatusCode);
        var preview = await previewResponse.Content.ReadAsStringAsync();
        Assert.Contains("Brevene før afsendelse", preview, StringComparison.Ordinal);
        Assert.Contains("Til lægen (MedCom)", preview, StringComparison.Ordinal);
        var texts = LetterTexts(preview);
        Assert.Equal(1 + onAgenda.Parties.Count, texts.Count);
        Assert.All(texts, t => Assert.Contains(Summary, t, StringComparison.Ordinal));
        foreach (var party in onAgenda.Parties)
        {
            Assert.Contains($"Forældremyndighedsindehaver (Digital Post): {party.Name}", WebUtility.HtmlDecode(preview), StringComparison.Ordinal);
        }

        Assert.Contains("Send afgørelsen", preview, StringComparison.Ordinal);
        var fingerprint = Fingerprint().Match(preview).Groups[1].Value;
        Assert.Matches("^[0-9a-f]{64}$", fingerprint);

        // Nothing was stored or sent by the preview.
        Assert.Equal(CaseState.OnAgenda, (await Queries.GetAsync(caseId, CancellationToken.None))!.State);
        Assert.Equal(0, await DecisionLettersAsync(caseId));
        Assert.Equal(sentBefore, await SentMessagesAsync());
        Assert.Equal(eventsBefore, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM case_events WHERE case_id = @id", new { id = caseId.ToString() }));

        // Back to the form: the values entered are kept.
        using var editResponse = await committee.PostFormAsync("/udvalg", "/udvalg?handler=Edit", Fields(caseId));
        var edit = WebUtility.HtmlDecode(await editResponse.Content.ReadAsStringAsync());
        Assert.Contains("value=\"Forløb i PPR\"", edit, StringComparison.Ordinal);
        Assert.Contains($">{Summary}</textarea>", edit, StringComparison.Ordinal);
        Assert.Contains("<option value=\"PPR\" selected>PPR</option>", edit, StringComparison.Ordinal);
        Assert.Contains("Vis breve", edit, StringComparison.Ordinal);

        // A send whose values differ from the previewed ones sends nothing and shows the new letters.
        var changed = Fields(caseId, "Et andet referat end det, der blev vist.");
        changed["previewed"] = fingerprint;
        using var tampered = await committee.PostFormAsync("/udvalg", "/udvalg?handler=Decision", changed);
        Assert.Equal(HttpStatusCode.OK, tampered.StatusCode);
        var again = await tampered.Content.ReadAsStringAsync();
        Assert.Contains("Brevene er ændret siden forhåndsvisningen", again, StringComparison.Ordinal);
        Assert.Equal(CaseState.OnAgenda, (await Queries.GetAsync(caseId, CancellationToken.None))!.State);
        Assert.Equal(0, await DecisionLettersAsync(caseId));

        // A send without a preview only shows the preview.
        using var unseen = await committee.PostFormAsync("/udvalg", "/udvalg?handler=Decision", Fields(caseId));
        Assert.Equal(HttpStatusCode.OK, unseen.StatusCode);
        Assert.Contains("Brevene før afsendelse", await unseen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await DecisionLettersAsync(caseId));

        // Step two: the previewed decision is recorded and its letters go out, word for word.
        var send = Fields(caseId);
        send["previewed"] = fingerprint;
        using var sent = await committee.PostFormAsync("/udvalg", "/udvalg?handler=Decision", send);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var (_, after) = await committee.GetPageAsync("/udvalg");
        Assert.Contains("er registreret, og brevene sendes", after, StringComparison.Ordinal);
        Assert.Equal(CaseState.Decided, (await Queries.GetAsync(caseId, CancellationToken.None))!.State);
        var bodies = await _app.QueryAsync<string>("SELECT body FROM letters WHERE case_id = @id AND kind = 'Decision' ORDER BY recipient_name", new { id = caseId.ToString() });
        Assert.Equal(onAgenda.Parties.Count, bodies.Count);
        Assert.All(bodies, b => Assert.Contains(b, texts));
        var gp = await _app.QueryAsync<byte[]>(
            "SELECT m.raw FROM messages m JOIN case_messages cm ON cm.message_id = m.id WHERE cm.case_id = @id AND cm.role = 'Decision'", new { id = caseId.ToString() });
        var raw = Encoding.UTF8.GetString(Assert.Single(gp));
        Assert.Contains(Summary, raw, StringComparison.Ordinal);
        Assert.Equal(sentBefore + 1, await SentMessagesAsync());
    }

    [Fact]
    public async Task A_preview_before_the_meeting_has_begun_is_refused_and_keeps_the_values()
    {
        var onAgenda = await OnAgendaAtMeetingAsync(meetingBegun: false);
        using var committee = await PageClient.StaffAsync(_app, "udvalg");

        using var response = await committee.PostFormAsync("/udvalg", "/udvalg?handler=Preview", Fields(onAgenda.Id));

        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("kan først træffe afgørelse, når mødet er begyndt", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Brevene før afsendelse", html, StringComparison.Ordinal);
        Assert.Contains($">{Summary}</textarea>", html, StringComparison.Ordinal);
    }

    /// <summary>The previewed letters' texts, as the committee reads them.</summary>
    private static List<string> LetterTexts(string html) =>
        LetterText().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    [GeneratedRegex(@"<div class=""letter-text"">(.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex LetterText();

    [GeneratedRegex(@"name=""previewed"" value=""([0-9a-f]+)""")]
    private static partial Regex Fingerprint();
}
