using System.Net;
using MedComMailbox.Core.Letters;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>The administration pages: administrators only, and what they change takes effect (mailbox limits, letters).</summary>
public sealed class AdministrationPageTests(MailboxApp.Shared factory) : IClassFixture<MailboxApp.Shared>
{
    private static readonly string[] Pages =
    [
        "/administration", "/administration/brugere", "/administration/breve", "/administration/breve/ConsentRequest", "/administration/postkasser",
    ];

    [Fact]
    public async Task Only_an_administrator_may_open_the_administration_pages_and_every_form_carries_an_antiforgery_token()
    {
        using var anonymous = PageClient.Anonymous(factory);
        using var operatorClient = await PageClient.StaffAsync(factory, "sundhedsplejerske");
        using var committee = await PageClient.StaffAsync(factory, "udvalg");
        using var admin = await PageClient.StaffAsync(factory, "admin");

        foreach (var path in Pages)
        {
            using var anonymousGet = await anonymous.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, anonymousGet.StatusCode);
            Assert.StartsWith("/log-ind?ReturnUrl=" + Uri.EscapeDataString(path), PageClient.Location(anonymousGet), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetPageAsync(path)).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await committee.GetPageAsync(path)).Status);
            var (status, html) = await admin.GetPageAsync(path);
            Assert.True(status == HttpStatusCode.OK, $"GET {path} answered {(int)status}");
            Assert.All(PageClient.PostForms(html), f => Assert.Contains(PageClient.TokenField, f, StringComparison.Ordinal));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetPageAsync("/administration/breve/NoSuchLetter")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetPageAsync("/administration/breve/3")).Status);

        // A valid token from a page the operator may see does not let them change anything.
        using var save = await operatorClient.PostFormAsync("/start", "/administration/brugere?handler=Save",
            new() { ["userName"] = "sundhedsplejerske", ["scope"] = "all" });
        using var letter = await operatorClient.PostFormAsync("/start", "/administration/breve/GpReceipt?handler=Save",
            new() { ["title"] = "Kvittering", ["text"] = "Tak" });
        Assert.Equal(HttpStatusCode.Forbidden, save.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, letter.StatusCode);

        foreach (var post in new[] { "/administration/brugere?handler=Save", "/administration/brugere?handler=Remove", "/administration/brugere?handler=Edit",
                     "/administration/breve/GpReceipt?handler=Save", "/administration/breve/GpReceipt?handler=Revert" })
        {
            using var response = await admin.PostWithoutTokenAsync(post, new() { ["userName"] = "x", ["removeUser"] = "x", ["title"] = "x", ["text"] = "x" });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {post} without a token answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_mailboxes_page_shows_the_configured_mailboxes_with_their_counts_and_explains_why_they_are_configuration()
    {
        using var response = await factory.PostAsync("/api/intake", Samples.FreshReferral().Body, "application/fhir+json");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var admin = await PageClient.StaffAsync(factory, "admin");
        var received = await factory.QuerySingleAsync<long>(
            "SELECT COUNT(*) FROM messages WHERE mailbox_gln = @gln AND direction = 'in'", new { gln = Samples.CoordinationGln });

        var (status, html) = await admin.GetPageAsync("/administration/postkasser");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(received >= 1);
        Assert.Matches($@"<td>{Samples.CoordinationGln}</td>\s*<td>1234561000016001</td>\s*<td class=""number"">{received}</td>", html);
        Assert.Contains("Sundhedsplejen, Eksempel Kommune", html, StringComparison.Ordinal);
        Assert.Contains("Postkasserne er konfiguration", html, StringComparison.Ordinal);
        // Read only: the layout's sign-out is the only form.
        Assert.All(PageClient.PostForms(html), f => Assert.Contains("action=\"/log-ud\"", f, StringComparison.Ordinal));
    }
}

/// <summary>Changes an administrator makes, each in an app of its own (they change what other tests would see).</summary>
public sealed class AdministrationChangesTests : IDisposable
{
    private const string Sundhedsplejen = "5790000991013";
    private readonly MailboxApp _app = new(null);

    [Fact]
    public async Task A_mailbox_limit_set_by_the_administrator_takes_effect_for_that_user_and_is_audited()
    {
        var caseId = await ReferralCaseAsync();
        using var operatorClient = await PageClient.StaffAsync(_app, "sundhedsplejerske");
        using var admin = await PageClient.StaffAsync(_app, "admin");
        var messageId = await _app.QuerySingleAsync<string>(
            "SELECT message_id FROM inbox_items WHERE case_id = @caseId", new { caseId = caseId.ToString() });
        Assert.Contains(caseId.ToString(), (await operatorClient.GetPageAsync("/sager")).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetPageAsync("/sager/" + caseId)).Status);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetPageAsync("/beskeder/" + messageId)).Status);
        Assert.Contains("/beskeder/" + messageId, (await operatorClient.GetPageAsync("/indbakke?visning=alle")).Html, StringComparison.Ordinal);

        // Refused: a mailbox that is not configured, and "only the chosen" with none chosen.
        using var unknown = await admin.PostFormAsync("/administration/brugere", "/administration/brugere?handler=Save",
            new() { ["userName"] = "sundhedsplejerske", ["scope"] = "some", ["mailboxes"] = "5790000000005" });
        using var none = await admin.PostFormAsync("/administration/brugere", "/administration/brugere?handler=Save",
            new() { ["userName"] = "sundhedsplejerske", ["scope"] = "some" });
        Assert.Contains("Ukendt postkasse: 5790000000005", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Vælg mindst én postkasse", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM user_mailboxes"));

        // The user name as the administrator happens to type it; the sign-in's is lower case.
        using var save = await admin.PostFormAsync("/administration/brugere", "/administration/brugere?handler=Save",
            new() { ["userName"] = " Sundhedsplejerske ", ["scope"] = "some", ["mailboxes"] = Sundhedsplejen });
        Assert.Equal(HttpStatusCode.Redirect, save.StatusCode);
        var (_, list) = await admin.GetPageAsync("/administration/brugere");
        Assert.Contains("Postkasserne for sundhedsplejerske er gemt", list, StringComparison.Ordinal);
        Assert.Contains("Sundhedsplejen, Eksempel Kommune", list, StringComparison.Ordinal);

        // The same signed-in session: the limit applies from the next request, without signing in again.
        Assert.DoesNotContain(caseId.ToString(), (await operatorClient.GetPageAsync("/sager")).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetPageAsync("/sager/" + caseId)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetPageAsync("/beskeder/" + messageId)).Status);
        Assert.DoesNotContain("/beskeder/" + messageId, (await operatorClient.GetPageAsync("/indbakke?visning=alle")).Html, StringComparison.Ordinal);
        // Another user is not limited.
        Assert.Contains(caseId.ToString(), (await admin.GetPageAsync("/sager")).Html, StringComparison.Ordinal);

        using var edit = await admin.PostFormAsync("/administration/brugere", "/administration/brugere?handler=Edit", new() { ["editUser"] = "sundhedsplejerske" });
        var editHtml = await edit.Content.ReadAsStringAsync();
        Assert.Matches($@"value=""{Sundhedsplejen}"" checked=""checked""", editHtml);
        Assert.Contains("name=\"userName\" value=\"sundhedsplejerske\"", editHtml, StringComparison.Ordinal);

        using var remove = await admin.PostFormAsync("/administration/brugere", "/administration/brugere?handler=Remove", new() { ["removeUser"] = "sundhedsplejerske" });
        Assert.Equal(HttpStatusCode.Redirect, remove.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetPageAsync("/sager/" + caseId)).Status);

        var audited = await _app.QueryAsync<(string Action, string? PersonCpr, string TargetId)>(
            "SELECT action, person_cpr, target_id FROM audit_log WHERE action LIKE 'admin-%' ORDER BY id");
        Assert.Equal(
            [("admin-user-mailboxes", null, "sundhedsplejerske"), ("admin-user-mailboxes-remove", null, "sundhedsplejerske")],
            audited);
    }

    [Fact]
    public async Task A_template_edit_changes_the_next_letter_the_workflow_writes_and_revert_returns_to_the_configured_text()
    {
        using var admin = await PageClient.StaffAsync(_app, "admin");
        // Warm the workflow's template cache first: the save must invalidate it.
        await using (var connection = await _app.Services.GetRequiredService<MailboxDatabase>().OpenAsync())
        {
            await _app.Services.GetRequiredService<LetterTemplates>().GetAsync(connection, null, LetterKind.ConsentRequest);
        }

        using var save = await admin.PostFormAsync("/administration/breve/ConsentRequest", "/administration/breve/ConsentRequest?handler=Save", new()
        {
            ["title"] = "Samtykke til en samtale",
            ["text"] = "Hej {{recipientName}}\r\nTestskabelon om {{ childName }}: svar senest {{deadline}} på {{consentLink}}",
        });
        Assert.Equal(HttpStatusCode.Redirect, save.StatusCode);
        Assert.Equal("/administration/breve", PageClient.Location(save));
        var (_, list) = await admin.GetPageAsync("/administration/breve");
        Assert.Contains("er gemt og bruges i de næste breve", list, StringComparison.Ordinal);
        Assert.Contains("Ændret af en administrator", list, StringComparison.Ordinal);

        var caseId = await ReferralCaseAsync();
        List<(string Title, string Body)> letters = [];
        await MailboxApp.Eventually(async () =>
        {
            letters = await _app.QueryAsync<(string Title, string Body)>(
                "SELECT title, body FROM letters WHERE case_id = @caseId AND kind = 'ConsentRequest'", new { caseId = caseId.ToString() });
            return letters.Count > 0;
        }, "the consent requests of the new case", 30000);

        Assert.All(letters, letter =>
        {
            Assert.Equal("Samtykke til en samtale", letter.Title);
            Assert.StartsWith("Hej ", letter.Body, StringComparison.Ordinal);
            Assert.Contains("\nTestskabelon om ", letter.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("\r", letter.Body, StringComparison.Ordinal);
            // The stored body keeps only the link's placeholder: the token is made when the letter is sent (issue 11).
            Assert.Contains(CaseEffects.ConsentLinkPlaceholder, letter.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("{{", letter.Body.Replace(CaseEffects.ConsentLinkPlaceholder, "", StringComparison.Ordinal), StringComparison.Ordinal);
        });

        using var revert = await admin.PostFormAsync("/administration/breve/ConsentRequest", "/administration/breve/ConsentRequest?handler=Revert", []);
        Assert.Equal(HttpStatusCode.Redirect, revert.StatusCode);
        var (_, reverted) = await admin.GetPageAsync("/administration/breve/ConsentRequest");
        Assert.Contains("Standardtekst", reverted, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Revert", reverted, StringComparison.Ordinal);
        await using (var connection = await _app.Services.GetRequiredService<MailboxDatabase>().OpenAsync())
        {
            var template = await _app.Services.GetRequiredService<LetterTemplates>().GetAsync(connection, null, LetterKind.ConsentRequest);
            Assert.Equal(DefaultLetters.Templates[LetterKind.ConsentRequest].Title, template.Title);
        }

        var audited = await _app.QueryAsync<(string Action, string? PersonCpr, string TargetId)>(
            "SELECT action, person_cpr, target_id FROM audit_log WHERE action LIKE 'admin-%' ORDER BY id");
        Assert.Equal([("admin-letter-template", null, "ConsentRequest"), ("admin-letter-template-revert", null, "ConsentRequest")], audited);
    }

    [Fact]
    public async Task An_unknown_placeholder_or_a_placeholder_in_the_title_is_refused_with_a_clear_message_and_nothing_is_saved()
    {
        using var admin = await PageClient.StaffAsync(_app, "admin");

        using var unknown = await admin.PostFormAsync("/administration/breve/GpReceipt", "/administration/breve/GpReceipt?handler=Save",
            new() { ["title"] = "Kvittering", ["text"] = "Tak for henvisningen af {{childName}} ({{cpr}})." });
        using var inTitle = await admin.PostFormAsync("/administration/breve/GpReceipt", "/administration/breve/GpReceipt?handler=Save",
            new() { ["title"] = "Kvittering for {{childName}}", ["text"] = "Tak." });
        var unknownHtml = await unknown.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Contains("Skabelonen er ikke gemt", unknownHtml, StringComparison.Ordinal);
        Assert.Contains("Ukendt felt: {{cpr}}. Dette brev kan bruge: {{childCpr}}, {{childName}}", unknownHtml, StringComparison.Ordinal);
        // What the administrator wrote stays in the form to be corrected.
        Assert.Contains("({{cpr}}).</textarea>", unknownHtml, StringComparison.Ordinal);
        Assert.Contains("Titlen må ikke indeholde felter", await inTitle.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letter_templates"));
        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'admin-%'"));
    }

    private Task<Guid> ReferralCaseAsync() => Referrals.NewCaseAsync(_app);

    public void Dispose() => _app.Dispose();
}
