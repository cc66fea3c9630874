using System.Net;
using System.Text;
using System.Xml.Linq;
using MedComMailbox.Infrastructure.Tests.Cpr;
using MedComMailbox.Infrastructure.Tests.DigitalPost;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.DependencyInjection;
using PdfSharp.Pdf.IO;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>
/// Paper letters for citizens exempt from Digital Post, end to end on the real host with the CPR register (SF1520) and
/// Digital Post (SF1601) faked over real HTTP: a referral whose father the register says is exempt puts his consent request
/// in the print queue (never to Digital Post), the operator downloads it as a PDF and marks it printed and sent; audited.
/// </summary>
public sealed class PrintQueueTests
{
    private const string Child = "1201149996"; // the patient of medcom-samples/carecommunication/gp-referral-child.json
    private const string Mother = "0103824562";
    private const string Father = "1507793417";
    private const string FatherName = "Jonas Papirsen";
    private const string KombiPath = "/service/KombiPostAfsend_1/kombi";

    private static CprFake Register()
    {
        var cpr = new CprFake();
        cpr.Person(Child, "Alma Prøvesen", CprFake.Parents(Mother, Father) + CprFake.Custody(3) + CprFake.Custody(4));
        cpr.Person(Mother, "Mette Prøvesen");
        cpr.Person(Father, FatherName, digitalPost: false, address: ("Papirvej 7, 2. th.", "9999", "Eksempelby"));
        cpr.UnknownOtherwise();
        return cpr;
    }

    private static MailboxApp App(CprFake cpr, DigitalPostFake post, string? exemptRecipients = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Workflow:PublicBaseUrl"] = "https://postkasse.eksempel.dk/",
            ["Workflow:SweepInterval"] = "00:00:00.100",
            ["CprLookup:Mode"] = "Serviceplatformen",
            ["CprLookup:ServiceUrl"] = cpr.ServiceUrl,
            ["CprLookup:Cvr"] = "29189129",
            ["DigitalPost:Mode"] = "Serviceplatformen",
            ["DigitalPost:ServiceBaseUrl"] = post.BaseUrl.ToString(),
            ["DigitalPost:TokenServiceBaseUrl"] = post.BaseUrl.ToString(),
            ["DigitalPost:Cvr"] = "29189129",
            ["DigitalPost:SenderLabel"] = "Eksempel Kommune",
        };
        if (exemptRecipients is not null)
        {
            settings["DigitalPost:ExemptRecipients"] = exemptRecipients; // unset: the default, PrintQueue
        }

        return new MailboxApp(settings);
    }

    /// <summary>The recipients of the letters KombiPostAfsend received.</summary>
    private static List<string> DigitalPostRecipients(DigitalPostFake post) =>
        post.Server.LogEntries
            .Where(e => e.RequestMessage.Path == KombiPath)
            .Select(e => XDocument.Parse(e.RequestMessage.Body!).Descendants().First(d => d.Name.LocalName == "recipientID").Value)
            .ToList();

    private static async Task<Guid> ReferralInAsync(MailboxApp app)
    {
        using var response = await app.PostAsync("/api/intake", Samples.Read("carecommunication/gp-referral-child.json"), "application/fhir+json");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await MailboxApp.Eventually(async () => await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases") == 1, "a case opened", 30000);
        return Guid.Parse(await app.QuerySingleAsync<string>("SELECT id FROM cases"));
    }

    [Fact]
    public async Task An_exempt_custody_holders_letter_waits_in_the_print_queue_downloads_as_a_pdf_and_is_marked_sent()
    {
        using var cpr = Register();
        using var post = new DigitalPostFake();
        using var app = App(cpr, post);
        var caseId = await ReferralInAsync(app);

        // The mother's consent request goes to Digital Post; the father's waits to be printed, with the register's address.
        await MailboxApp.Eventually(() => DigitalPostRecipients(post).Contains(Mother), "the mother's consent request accepted by Digital Post", 30000);
        await MailboxApp.Eventually(async () => await app.QuerySingleAsync<long>(
            "SELECT COUNT(*) FROM letters WHERE party_id = @Father AND kind = 'ConsentRequest' AND status = 'print'", new { Father }) == 1, "the father's letter in the print queue", 30000);
        var letterId = Guid.Parse(await app.QuerySingleAsync<string>("SELECT id FROM letters WHERE party_id = @Father", new { Father }));
        Assert.Equal("Papirvej 7, 2. th.\n9999 Eksempelby", await app.QuerySingleAsync<string>("SELECT print_address FROM letters WHERE id = @id", new { id = letterId.ToString() }));

        using var staff = await PageClient.StaffAsync(app, "sundhedsplejerske");
        var (startStatus, start) = await staff.GetPageAsync("/start");
        var (operationsStatus, operations) = await staff.GetPageAsync("/drift");
        var (queueStatus, queue) = await staff.GetPageAsync("/drift/udskriftskoe");
        Assert.Equal(HttpStatusCode.OK, startStatus);
        Assert.Contains("id=\"udskriftskoe\"><strong>1</strong> breve venter på at blive udskrevet", start, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, operationsStatus);
        Assert.Contains("<span id=\"print-waiting\">1</span>", operations, StringComparison.Ordinal);
        Assert.DoesNotContain(FatherName, operations, StringComparison.Ordinal); // the operations page stays free of names
        Assert.Equal(HttpStatusCode.OK, queueStatus);
        Assert.Contains(FatherName, queue, StringComparison.Ordinal);
        Assert.Contains("Papirvej 7, 2. th.<br>", queue, StringComparison.Ordinal);
        Assert.Contains("9999 Eksempelby", queue, StringComparison.Ordinal);
        Assert.Contains("Anmodning om samtykke", queue, StringComparison.Ordinal);
        Assert.Contains($"href=\"/sager/{caseId}\"", queue, StringComparison.Ordinal);
        Assert.Contains("Markér som udskrevet og sendt", queue, StringComparison.Ordinal);
        Assert.DoesNotContain(Mother, queue, StringComparison.Ordinal);

        // The PDF: a real PDF of at least one page, the recipient's name, address and the letter's text in its content.
        using var pdfResponse = await staff.Http.GetAsync($"/drift/udskriftskoe?handler=Pdf&id={letterId}");
        Assert.Equal(HttpStatusCode.OK, pdfResponse.StatusCode);
        Assert.Equal("application/pdf", pdfResponse.Content.Headers.ContentType?.MediaType);
        var pdf = await pdfResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        using (var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import))
        {
            Assert.True(document.PageCount >= 1);
        }

        var text = Encoding.Latin1.GetString(pdf); // WinAnsi text in uncompressed content streams
        Assert.Contains($"({FatherName})", text, StringComparison.Ordinal);
        Assert.Contains("(Papirvej 7, 2. th.)", text, StringComparison.Ordinal);
        Assert.Contains("(9999 Eksempelby)", text, StringComparison.Ordinal);
        Assert.Contains("(Anmodning om samtykke)", text, StringComparison.Ordinal);
        Assert.Contains("https://postkasse.eksempel.dk/samtykke/", text, StringComparison.Ordinal); // a working consent link, not the placeholder
        Assert.DoesNotContain(CaseEffects.ConsentLinkPlaceholder, text, StringComparison.Ordinal);
        Assert.Equal(1, await app.QuerySingleAsync<long>(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'download-paper-letter' AND person_cpr = @Father AND target_id = @id AND user_name <> ''", new { Father, id = letterId.ToString() }));
        Assert.True(await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'view-print-queue' AND person_cpr = @Father", new { Father }) >= 1);

        // Marked printed and sent: the letter is sent as paper post, by whom and when, on the case's timeline and in the audit log.
        using var marked = await staff.PostFormAsync("/drift/udskriftskoe", "/drift/udskriftskoe?handler=Printed", new() { ["letterId"] = letterId.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, marked.StatusCode);
        var row = await app.QuerySingleAsync<(string Status, string? PrintedBy, long? SentAt)>(
            "SELECT status, printed_by, sent_at FROM letters WHERE id = @id", new { id = letterId.ToString() });
        Assert.Equal("printed", row.Status);
        Assert.False(string.IsNullOrEmpty(row.PrintedBy));
        Assert.NotNull(row.SentAt);
        Assert.Equal(1, await app.QuerySingleAsync<long>(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'mark-letter-printed' AND person_cpr = @Father AND user_name = @by AND target_id = @id",
            new { Father, by = row.PrintedBy, id = letterId.ToString() }));
        var detail = (await app.Services.GetRequiredService<CaseQueries>().GetAsync(caseId, default))!;
        var printed = Assert.Single(detail.Timeline, e => e.Kind == "letter-printed");
        Assert.Contains("sendt som papirpost", printed.Text, StringComparison.Ordinal);
        Assert.Equal(row.PrintedBy, printed.Actor);
        Assert.Contains(detail.Timeline, e => e.Kind == "letter-print" && e.Text.Contains("fritaget for Digital Post", StringComparison.Ordinal));
        var (_, casePage) = await staff.GetPageAsync($"/sager/{caseId}");
        Assert.Contains("Sendt som papirpost", casePage, StringComparison.Ordinal);

        var (_, queueAfter) = await staff.GetPageAsync("/drift/udskriftskoe");
        Assert.Contains("Ingen breve venter på udskrift.", queueAfter, StringComparison.Ordinal);
        using var gone = await staff.Http.GetAsync($"/drift/udskriftskoe?handler=Pdf&id={letterId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        // A few more sweeps: the father's letter never reached Digital Post.
        await Task.Delay(500);
        Assert.DoesNotContain(Father, DigitalPostRecipients(post));
        Assert.Contains(Mother, DigitalPostRecipients(post));
        Assert.DoesNotContain(app.Logs, line => line.Contains(Father, StringComparison.Ordinal) || line.Contains(FatherName, StringComparison.Ordinal) || line.Contains("Papirvej", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_exempt_recipients_left_to_digital_post_the_letter_goes_to_kombipostafsend_for_its_printed_post()
    {
        using var cpr = Register();
        using var post = new DigitalPostFake();
        using var app = App(cpr, post, exemptRecipients: "DigitalPost");
        await ReferralInAsync(app);

        await MailboxApp.Eventually(() => DigitalPostRecipients(post).Contains(Father), "the father's consent request sent to Digital Post (Automatic channel: printed post)", 30000);
        Assert.Equal(0, await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE status = 'print'"));
    }

    [Fact]
    public async Task Only_operators_see_the_print_queue()
    {
        using var cpr = Register();
        using var post = new DigitalPostFake();
        using var app = App(cpr, post);
        using var committee = await PageClient.StaffAsync(app, "udvalg");

        using var list = await committee.Http.GetAsync("/drift/udskriftskoe");
        using var pdf = await committee.Http.GetAsync($"/drift/udskriftskoe?handler=Pdf&id={Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, pdf.StatusCode);
    }
}
