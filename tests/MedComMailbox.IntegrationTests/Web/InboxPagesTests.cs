using System.Net;
using System.Text;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.MedCom;
using MedComMailbox.Workflow.Inbox;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>
/// The inbox a health visitor empties every day, against the real host on its embedded default: the list and its
/// counts, the message view and its audit entry, the POST-only search, marking handled one by one and in bulk,
/// replies in the sender's syntax, a new message, attachment downloads, and the mailbox limits of a user.
/// </summary>
public sealed class InboxPagesTests : IDisposable
{
    private const string ChildCpr = "1201149996";
    private const string HealthVisitorMailbox = "5790000991013";

    private readonly MailboxApp _app = new(new Dictionary<string, string?>
    {
        // The seeded users, plus one limited to the health visitors' mailbox.
        ["Auth:DevelopmentUsers:0:UserName"] = "sundhedsplejerske",
        ["Auth:DevelopmentUsers:0:Name"] = "Sundhedsplejerske (udvikling)",
        ["Auth:DevelopmentUsers:0:Roles:0"] = "operator",
        ["Auth:DevelopmentUsers:1:UserName"] = "udvalg",
        ["Auth:DevelopmentUsers:1:Name"] = "Udvalgsmedlem (udvikling)",
        ["Auth:DevelopmentUsers:1:Roles:0"] = "committee",
        ["Auth:DevelopmentUsers:2:UserName"] = "begraenset",
        ["Auth:DevelopmentUsers:2:Name"] = "Anna Begrænset",
        ["Auth:DevelopmentUsers:2:Roles:0"] = "operator",
        ["Auth:DevelopmentUsers:2:Mailboxes:0"] = HealthVisitorMailbox,
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_new_referral_is_listed_unread_and_opening_it_marks_it_read_and_is_audited()
    {
        var messageId = await ReceiveAsync("carecommunication/gp-referral-child.json");
        using var client = await PageClient.StaffAsync(_app, "sundhedsplejerske");

        var (status, list) = await client.GetPageAsync("/indbakke?visning=nye");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"href=\"/beskeder/{messageId}\"", list, StringComparison.Ordinal);
        Assert.Contains("Alma Prøvesen", list, StringComparison.Ordinal);
        Assert.Contains("120114-xxxx", list, StringComparison.Ordinal);
        Assert.DoesNotContain(ChildCpr, list, StringComparison.Ordinal); // the list masks the CPR number
        Assert.Contains("Nye <span class=\"badge\">1</span>", list, StringComparison.Ordinal);
        Assert.All(PageClient.PostForms(list), f => Assert.Contains(PageClient.TokenField, f, StringComparison.Ordinal));

        var (viewStatus, view) = await client.GetPageAsync($"/beskeder/{messageId}");
        Assert.Equal(HttpStatusCode.OK, viewStatus);
        Assert.Contains("Jeg henviser hermed Alma", view, StringComparison.Ordinal);
        Assert.Contains("120114-9996", view, StringComparison.Ordinal);
        Assert.Contains("Positiv kvittering sendt", view, StringComparison.Ordinal);
        Assert.Contains("Åbn henvisningens sag", view, StringComparison.Ordinal);
        Assert.All(PageClient.PostForms(view), f => Assert.Contains(PageClient.TokenField, f, StringComparison.Ordinal));
        Assert.Equal("read", await _app.QuerySingleAsync<string>("SELECT state FROM inbox_items WHERE message_id = @id", new { id = messageId }));
        var audit = await _app.QueryAsync<(string User, string Action, string? Person, string TargetId)>(
            "SELECT user_name, action, person_cpr, target_id FROM audit_log WHERE action = 'view-message'");
        Assert.Equal(("Sundhedsplejerske (udvikling)", "view-message", ChildCpr, messageId), Assert.Single(audit));
        Assert.Contains("Nye <span class=\"badge\">0</span>", (await client.GetPageAsync("/indbakke")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_search_is_a_post_that_is_audited_and_a_search_term_in_the_address_is_ignored()
    {
        var referral = await ReceiveAsync("carecommunication/gp-referral-child.json");
        var other = await ReceiveAsync("carecommunication/other-category-with-topic.json");
        using var client = await PageClient.StaffAsync(_app, "sundhedsplejerske");

        using var byCpr = await client.PostFormAsync("/indbakke", "/indbakke?handler=Search", new() { ["soeg"] = "120114-9996", ["visning"] = "alle" });
        var byCprHtml = await byCpr.Content.ReadAsStringAsync();
        using var byName = await client.PostFormAsync("/indbakke", "/indbakke?handler=Search", new() { ["soeg"] = "prøvesen", ["visning"] = "alle" });
        var byNameHtml = await byName.Content.ReadAsStringAsync();
        var (_, viaAddress) = await client.GetPageAsync("/indbakke?visning=alle&soeg=1201149996");

        Assert.Equal(HttpStatusCode.OK, byCpr.StatusCode);
        Assert.Contains($"/beskeder/{referral}", byCprHtml, StringComparison.Ordinal);
        Assert.DoesNotContain($"/beskeder/{other}", byCprHtml, StringComparison.Ordinal);
        Assert.Contains($"/beskeder/{referral}", byNameHtml, StringComparison.Ordinal);
        Assert.DoesNotContain($"/beskeder/{other}", byNameHtml, StringComparison.Ordinal);
        Assert.Contains($"/beskeder/{other}", viaAddress, StringComparison.Ordinal); // not a search: everything is listed
        var searches = await _app.QueryAsync<(string Action, string? Person)>("SELECT action, person_cpr FROM audit_log WHERE action = 'search' ORDER BY id");
        Assert.Equal([("search", ChildCpr), ("search", ChildCpr)], searches);
        Assert.DoesNotContain(_app.Logs, line => line.Contains(ChildCpr, StringComparison.Ordinal) || line.Contains("120114-9996", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Items_are_marked_handled_in_bulk_and_one_can_be_assigned_and_reopened()
    {
        var first = await ReceiveAsync("carecommunication/gp-referral-child.json");
        var second = await ReceiveAsync("carecommunication/other-category-with-topic.json");
        var items = await _app.QueryAsync<string>("SELECT id FROM inbox_items ORDER BY received_at");
        using var client = await PageClient.StaffAsync(_app, "sundhedsplejerske");

        var (_, list) = await client.GetPageAsync("/indbakke");
        var token = PageClient.Tokens(list).First();
        using var bulk = await client.Http.PostAsync("/indbakke?handler=Handled&visning=ubehandlede", new FormUrlEncodedContent(
            [new("valgt", items[0]), new("valgt", items[1]), new("behandlet", "true"), new(PageClient.TokenField, token)]));

        Assert.Equal(HttpStatusCode.Redirect, bulk.StatusCode);
        Assert.Equal(2, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM inbox_items WHERE state = 'done' AND handled_by = 'Sundhedsplejerske (udvikling)'"));
        var (_, unhandled) = await client.GetPageAsync("/indbakke");
        Assert.DoesNotContain($"/beskeder/{first}", unhandled, StringComparison.Ordinal);
        Assert.Contains($"/beskeder/{first}", (await client.GetPageAsync("/indbakke?visning=alle")).Html, StringComparison.Ordinal);

        using var assign = await client.PostFormAsync($"/beskeder/{second}", $"/beskeder/{second}?handler=Assign", new() { ["tildel"] = "Sundhedsplejerske (udvikling)" });
        using var reopen = await client.PostFormAsync($"/beskeder/{second}", $"/beskeder/{second}?handler=Handled", new() { ["behandlet"] = "false" });
        var (_, mine) = await client.GetPageAsync("/indbakke?tildelt=mig");

        Assert.Equal(HttpStatusCode.Redirect, assign.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, reopen.StatusCode);
        Assert.Contains($"/beskeder/{second}", mine, StringComparison.Ordinal);
        Assert.DoesNotContain($"/beskeder/{first}", mine, StringComparison.Ordinal);
        Assert.Equal("read", await _app.QuerySingleAsync<string>("SELECT state FROM inbox_items WHERE message_id = @id", new { id = second }));
    }

    [Fact]
    public async Task A_reply_to_an_oioxml_letter_is_an_xdis91_letter_back_to_its_sender_through_the_outbox()
    {
        var letter = await ReceiveAsync("oioxml/xdis91-letter-from-gp.xml", "application/xml");
        using var client = await PageClient.StaffAsync(_app, "sundhedsplejerske");

        using var empty = await client.PostFormAsync($"/beskeder/{letter}", $"/beskeder/{letter}?handler=Reply", new() { ["tekst"] = "  " });
        using var reply = await client.PostFormAsync($"/beskeder/{letter}", $"/beskeder/{letter}?handler=Reply", new() { ["tekst"] = "Tak for brevet. Vi vender tilbage." });

        Assert.Equal(HttpStatusCode.Redirect, empty.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);
        await MailboxApp.Eventually(
            () => _app.OutboundAnswers().Any(a => a.Summary.Kind == MedComMessageKind.OioXmlLetter && a.Summary.ReceiverGln == Samples.GpGln),
            "the XDIS91 reply in the outbound folder");
        var sent = await _app.QueryAsync<(string Kind, string Status, string Receiver)>("SELECT kind, status, receiver_gln FROM messages WHERE direction = 'out' AND kind = 'OioXmlLetter'");
        Assert.Equal(("OioXmlLetter", "sent", Samples.GpGln), Assert.Single(sent));
        Assert.Equal("done", await _app.QuerySingleAsync<string>("SELECT state FROM inbox_items WHERE message_id = @id", new { id = letter }));
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'reply-message'"));
        var (_, view) = await client.GetPageAsync($"/beskeder/{letter}");
        Assert.Contains("Svaret er sendt", view, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_message_to_a_gp_is_checked_then_sent_as_a_carecommunication()
    {
        using var client = await PageClient.StaffAsync(_app, "sundhedsplejerske");
        var fields = new Dictionary<string, string>
        {
            ["fra"] = Samples.CoordinationGln, ["gln"] = "5790000882008", ["sor"] = "2345671000016005", ["modtager"] = "Lægerne i Eksempelby",
            ["cpr"] = "120114-9996", ["fornavn"] = "Alma", ["efternavn"] = "Prøvesen", ["kategori"] = "other", ["emne"] = "Opfølgning", ["tekst"] = "Vi har brug for et opdateret skoleudsagn.",
        };

        using var wrongGln = await client.PostFormAsync("/indbakke/skriv", "/indbakke/skriv", new(fields));
        fields["gln"] = Samples.GpGln;
        using var sent = await client.PostFormAsync("/indbakke/skriv", "/indbakke/skriv", new(fields));

        Assert.Equal(HttpStatusCode.OK, wrongGln.StatusCode);
        Assert.Contains("kontrolciffer", await wrongGln.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.StartsWith("/beskeder/", PageClient.Location(sent), StringComparison.Ordinal);
        var stored = await _app.QueryAsync<(string Kind, string Receiver, string Cpr, byte[] Raw)>(
            "SELECT kind, receiver_gln, patient_cpr, raw FROM messages WHERE direction = 'out' AND kind = 'CareCommunication'");
        var row = Assert.Single(stored);
        Assert.Equal((Samples.GpGln, ChildCpr), (row.Receiver, row.Cpr));
        var read = new InboundReader().Read(row.Raw, "application/fhir+json");
        Assert.Equal("other", read.Summary.Category);
        Assert.Equal("Opfølgning", read.Summary.Topic);
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'write-message' AND person_cpr = @cpr", new { cpr = ChildCpr }));
    }

    [Fact]
    public async Task An_attachment_downloads_as_a_file_and_the_download_is_audited()
    {
        var messageId = await ReceiveAsync("carecommunication/gp-referral-with-attachment.json");
        using var client = await PageClient.StaffAsync(_app, "sundhedsplejerske");

        var (_, view) = await client.GetPageAsync($"/beskeder/{messageId}");
        var link = System.Text.RegularExpressions.Regex.Match(view, $"href=\"(/beskeder/{messageId}/bilag/\\d+)\"").Groups[1].Value;
        using var download = await client.Http.GetAsync(link);
        using var missing = await client.Http.GetAsync($"/beskeder/{messageId}/bilag/99");

        Assert.NotEmpty(link);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(await download.Content.ReadAsByteArrayAsync())[..4], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'download-attachment'"));
    }

    [Fact]
    public async Task A_user_limited_to_one_mailbox_neither_sees_nor_touches_another_mailboxs_messages()
    {
        var coordination = await ReceiveAsync("carecommunication/gp-referral-child.json");
        var healthVisitors = await ReceiveAsync("carecommunication/other-category-with-topic.json");
        var coordinationItem = await _app.QuerySingleAsync<string>("SELECT id FROM inbox_items WHERE message_id = @id", new { id = coordination });
        using var limited = await PageClient.StaffAsync(_app, "begraenset");

        var (_, list) = await limited.GetPageAsync("/indbakke?visning=alle");
        var (viewStatus, _) = await limited.GetPageAsync($"/beskeder/{coordination}");
        using var attachment = await limited.Http.GetAsync($"/beskeder/{coordination}/bilag/0");
        using var reply = await limited.PostFormAsync("/indbakke", $"/beskeder/{coordination}?handler=Reply", new() { ["tekst"] = "Forsøg" });
        var token = PageClient.Tokens(list).First();
        using var bulk = await limited.Http.PostAsync("/indbakke?handler=Handled", new FormUrlEncodedContent(
            [new("valgt", coordinationItem), new("behandlet", "true"), new(PageClient.TokenField, token)]));
        using var write = await limited.PostFormAsync("/indbakke/skriv", "/indbakke/skriv", new()
        {
            ["fra"] = Samples.CoordinationGln, ["gln"] = Samples.GpGln, ["sor"] = "2345671000016005", ["cpr"] = "120114-9996",
            ["efternavn"] = "Prøvesen", ["kategori"] = "other", ["emne"] = "x", ["tekst"] = "Forsøg",
        });

        Assert.Contains($"/beskeder/{healthVisitors}", list, StringComparison.Ordinal);
        Assert.DoesNotContain($"/beskeder/{coordination}", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Koordinationsudvalget for børn og unge", list, StringComparison.Ordinal); // not even as a filter choice
        Assert.Equal(HttpStatusCode.NotFound, viewStatus);
        Assert.Equal(HttpStatusCode.NotFound, attachment.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, reply.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, bulk.StatusCode);
        Assert.Equal("new", await _app.QuerySingleAsync<string>("SELECT state FROM inbox_items WHERE id = @id", new { id = coordinationItem }));
        Assert.Equal(HttpStatusCode.OK, write.StatusCode); // the form again, with the error
        Assert.Contains("Vælg den postkasse", await write.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND kind = 'CareCommunication' AND receiver_gln = @gp AND raw LIKE '%Forsøg%'", new { gp = Samples.GpGln }));
    }

    [Fact]
    public async Task A_committee_member_may_read_a_message_of_the_agenda_but_has_no_inbox_and_cannot_reply()
    {
        var messageId = await ReceiveAsync("carecommunication/gp-referral-child.json");
        using var committee = await PageClient.StaffAsync(_app, "udvalg");

        var (inboxStatus, _) = await committee.GetPageAsync("/indbakke");
        var (writeStatus, _) = await committee.GetPageAsync("/indbakke/skriv");
        var (viewStatus, view) = await committee.GetPageAsync($"/beskeder/{messageId}");
        using var reply = await committee.PostFormAsync($"/beskeder/{messageId}", $"/beskeder/{messageId}?handler=Reply", new() { ["tekst"] = "Forsøg" });

        Assert.Equal(HttpStatusCode.Forbidden, inboxStatus);
        Assert.Equal(HttpStatusCode.Forbidden, writeStatus);
        Assert.Equal(HttpStatusCode.OK, viewStatus);
        Assert.DoesNotContain("handler=Reply", view, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, reply.StatusCode);
        Assert.Equal("new", await _app.QuerySingleAsync<string>("SELECT state FROM inbox_items WHERE message_id = @id", new { id = messageId })); // reading is not handling
    }

    [Fact]
    public async Task The_acknowledgement_overview_lists_what_we_answered_and_what_we_were_answered_filtered_and_within_the_users_mailboxes()
    {
        var referral = await ReceiveAsync("carecommunication/gp-referral-child.json");             // coordination: we answer ok
        var healthVisitors = await ReceiveAsync("carecommunication/other-category-with-topic.json"); // health visitors: ok
        using (var invalid = await _app.PostAsync("/api/intake", Samples.Read("invalid/category-unknown.json"), "application/fhir+json"))
        {
            Assert.False(invalid.IsSuccessStatusCode);
        }

        var rejected = await _app.QuerySingleAsync<string>("SELECT id FROM messages WHERE status = 'rejected'"); // health visitors: fatal-error
        using var client = await PageClient.StaffAsync(_app, "sundhedsplejerske");
        var referralReply = await ReplyAsync(client, referral);
        var healthVisitorsReply = await ReplyAsync(client, healthVisitors);
        await AcknowledgeAsync(referralReply, AcknowledgementOutcome.Ok);
        await AcknowledgeAsync(healthVisitorsReply, AcknowledgementOutcome.TransientError); // still waiting for ok

        var (status, sent) = await client.GetPageAsync("/indbakke/kvitteringer");
        var (_, sentFatal) = await client.GetPageAsync("/indbakke/kvitteringer?kode=fatal-error");
        var (_, sentOk) = await client.GetPageAsync("/indbakke/kvitteringer?kode=ok");
        var (_, received) = await client.GetPageAsync("/indbakke/kvitteringer?retning=modtagne");
        var (_, waiting) = await client.GetPageAsync("/indbakke/kvitteringer?retning=modtagne&kode=venter");
        var (_, receivedOk) = await client.GetPageAsync("/indbakke/kvitteringer?retning=modtagne&kode=ok");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("href=\"/indbakke/kvitteringer\"", (await client.GetPageAsync("/indbakke")).Html, StringComparison.Ordinal);
        Assert.True(sent.IndexOf($"/beskeder/{rejected}", StringComparison.Ordinal) is var r and >= 0
            && r < sent.IndexOf($"/beskeder/{healthVisitors}", StringComparison.Ordinal)
            && sent.IndexOf($"/beskeder/{healthVisitors}", StringComparison.Ordinal) < sent.IndexOf($"/beskeder/{referral}", StringComparison.Ordinal),
            "what we sent, newest first");
        Assert.Contains("lokationsnummer 5790000882007", sent, StringComparison.Ordinal); // to whom
        Assert.Contains("Positiv (ok)", sent, StringComparison.Ordinal);
        Assert.Contains("Afvist (&#x27;fatal-error&#x27;)", sent, StringComparison.Ordinal);
        Assert.DoesNotContain($"/beskeder/{referralReply}", sent, StringComparison.Ordinal); // what we sent is on the other side
        Assert.Contains($"/beskeder/{rejected}", sentFatal, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetPageAsync($"/beskeder/{rejected}")).Status); // the link to what we refused works
        Assert.DoesNotContain($"/beskeder/{referral}", sentFatal, StringComparison.Ordinal);
        Assert.Contains($"/beskeder/{referral}", sentOk, StringComparison.Ordinal);
        Assert.Contains($"/beskeder/{healthVisitors}", sentOk, StringComparison.Ordinal);
        Assert.DoesNotContain($"/beskeder/{rejected}", sentOk, StringComparison.Ordinal);

        Assert.True(received.IndexOf($"/beskeder/{healthVisitorsReply}", StringComparison.Ordinal) is var h and >= 0
            && h < received.IndexOf($"/beskeder/{referralReply}", StringComparison.Ordinal), "what we received, newest message first");
        Assert.DoesNotContain($"/beskeder/{referral}\"", received, StringComparison.Ordinal);
        Assert.Contains("Midlertidig fejl (&#x27;transient-error&#x27;)", received, StringComparison.Ordinal);
        Assert.Contains("Venter på kvittering", received, StringComparison.Ordinal);
        Assert.Contains("1 gang", received, StringComparison.Ordinal); // how often it went out
        Assert.Contains($"/beskeder/{healthVisitorsReply}", waiting, StringComparison.Ordinal);
        Assert.DoesNotContain($"/beskeder/{referralReply}", waiting, StringComparison.Ordinal);
        Assert.Contains($"/beskeder/{referralReply}", receivedOk, StringComparison.Ordinal);
        Assert.DoesNotContain($"/beskeder/{healthVisitorsReply}", receivedOk, StringComparison.Ordinal);

        // Paged: one row a page, the second page continues after the first.
        var queries = _app.Services.GetRequiredService<AcknowledgementQueries>();
        var first = await queries.ListAsync(new AcknowledgementFilter(PageSize: 1), new HashSet<string>(), CancellationToken.None);
        var second = await queries.ListAsync(new AcknowledgementFilter(After: first.Next, PageSize: 1), new HashSet<string>(), CancellationToken.None);
        var third = await queries.ListAsync(new AcknowledgementFilter(After: second.Next, PageSize: 1), new HashSet<string>(), CancellationToken.None);
        Assert.Equal([rejected, healthVisitors, referral], new[] { first, second, third }.Select(p => Assert.Single(p.Sent).MessageId.ToString()));
        Assert.Null(third.Next);

        // A user of the health visitors' mailbox sees only that mailbox's acknowledgements.
        using var limited = await PageClient.StaffAsync(_app, "begraenset");
        var (_, limitedSent) = await limited.GetPageAsync("/indbakke/kvitteringer");
        var (_, limitedReceived) = await limited.GetPageAsync("/indbakke/kvitteringer?retning=modtagne");
        var (_, limitedOther) = await limited.GetPageAsync($"/indbakke/kvitteringer?retning=modtagne&postkasse={Samples.CoordinationGln}");
        Assert.Contains($"/beskeder/{healthVisitors}", limitedSent, StringComparison.Ordinal);
        Assert.Contains($"/beskeder/{rejected}", limitedSent, StringComparison.Ordinal);
        Assert.DoesNotContain($"/beskeder/{referral}", limitedSent, StringComparison.Ordinal);
        Assert.Contains($"/beskeder/{healthVisitorsReply}", limitedReceived, StringComparison.Ordinal);
        Assert.DoesNotContain($"/beskeder/{referralReply}", limitedReceived, StringComparison.Ordinal);
        Assert.DoesNotContain($"/beskeder/{referralReply}", limitedOther, StringComparison.Ordinal); // asking for another mailbox gives nothing
        Assert.DoesNotContain("Koordinationsudvalget for børn og unge", limitedSent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_acknowledgement_overview_shows_a_transient_error_received_before_the_ok_that_settled_the_message()
    {
        var referral = await ReceiveAsync("carecommunication/gp-referral-child.json");
        using var client = await PageClient.StaffAsync(_app, "sundhedsplejerske");
        var reply = await ReplyAsync(client, referral);
        var other = await ReplyAsync(client, await ReceiveAsync("carecommunication/other-category-with-topic.json"));
        await AcknowledgeAsync(reply, AcknowledgementOutcome.TransientError);
        var (_, afterTransient) = await client.GetPageAsync("/indbakke/kvitteringer?retning=modtagne");
        await AcknowledgeAsync(reply, AcknowledgementOutcome.Ok);
        await AcknowledgeAsync(other, AcknowledgementOutcome.Ok);

        var acks = (await _app.QueryAsync<string>(
            "SELECT id FROM messages WHERE direction = 'in' AND acknowledgement_code = 'transient-error' AND acknowledged_message_id = (SELECT message_id FROM messages WHERE id = @reply)",
            new { reply })).ToList();
        var transient = Assert.Single(acks);
        var (_, received) = await client.GetPageAsync("/indbakke/kvitteringer?retning=modtagne");
        var row = Row(received, reply);

        Assert.DoesNotContain("før:", Row(afterTransient, reply), StringComparison.Ordinal); // the only answer is the row's own
        Assert.Contains("Positiv (ok)", row, StringComparison.Ordinal);
        Assert.Contains($"før: <a href=\"/beskeder/{transient}\">Midlertidig fejl (&#x27;transient-error&#x27;)</a>", row, StringComparison.Ordinal);
        Assert.DoesNotContain("Venter på kvittering", row, StringComparison.Ordinal);
        Assert.DoesNotContain("før:", Row(received, other), StringComparison.Ordinal); // one answer, nothing before it
        Assert.Equal(HttpStatusCode.OK, (await client.GetPageAsync($"/beskeder/{transient}")).Status);
    }

    /// <summary>The table row of the overview that links to <paramref name="messageId"/>.</summary>
    private static string Row(string html, string messageId)
    {
        var at = html.IndexOf($"/beskeder/{messageId}", StringComparison.Ordinal);
        Assert.True(at >= 0, $"a row for {messageId}");
        var start = html.LastIndexOf("<tr>", at, StringComparison.Ordinal);
        return html[start..html.IndexOf("</tr>", at, StringComparison.Ordinal)];
    }

    /// <summary>Replies to a received message through its page; returns our id of the reply.</summary>
    private async Task<string> ReplyAsync(PageClient client, string messageId)
    {
        using var reply = await client.PostFormAsync($"/beskeder/{messageId}", $"/beskeder/{messageId}?handler=Reply", new() { ["tekst"] = "Tak, vi har modtaget beskeden." });
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);
        // The workflow may have sent its own message on the same one (the referral's receipt): the reply is the one with our text.
        return await _app.QuerySingleAsync<string>(
            "SELECT id FROM messages WHERE direction = 'out' AND parent_id = @messageId AND raw LIKE '%Tak, vi har modtaget beskeden.%'", new { messageId });
    }

    /// <summary>The GP acknowledges our message with <paramref name="outcome"/>.</summary>
    private async Task AcknowledgeAsync(string ourMessage, AcknowledgementOutcome outcome)
    {
        var raw = await _app.QuerySingleAsync<byte[]>("SELECT raw FROM messages WHERE id = @ourMessage", new { ourMessage });
        using var response = await _app.PostAsync("/api/intake", GpAcknowledgements.Of(raw, outcome), "application/fhir+json");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Posts a sample to the intake and waits until triage has put it in the inbox; returns our message id.</summary>
    private async Task<string> ReceiveAsync(string sample, string contentType = "application/fhir+json")
    {
        using var response = await _app.PostAsync("/api/intake", Samples.Read(sample), contentType);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = Samples.Json(await response.Content.ReadAsStringAsync()).GetProperty("messageId").GetString()!;
        await MailboxApp.Eventually(async () => await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM inbox_items WHERE message_id = @id", new { id }) == 1, "the message in the inbox");
        return id;
    }
}
