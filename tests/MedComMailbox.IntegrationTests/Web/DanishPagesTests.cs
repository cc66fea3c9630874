using System.Net;
using System.Text.RegularExpressions;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Course;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Course;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>
/// "Danish throughout": every staff and citizen page the app maps (taken from the endpoint data source, so a new page
/// cannot be forgotten) is fetched with a real case behind it (consent by the citizen and on paper, the committee's
/// decision, a held start meeting with its action plan), its visible text extracted, and any English UI word or
/// developer wording (an enum's name, "(SELVBETJENING)") fails the test, outside a short explicit allow-list.
/// </summary>
public sealed partial class DanishPagesTests : IDisposable
{
    /// <summary>Pages with no text of their own, each with its reason. Every other page is read.</summary>
    private static readonly Dictionary<string, string> NotRead = new(StringComparer.Ordinal)
    {
        ["/beskeder/{id:guid}/bilag/{index:int}"] = "An attachment download: the sender's file, served as it came.",
    };

    /// <summary>
    /// Common English words of a user interface, matched as whole words, case-insensitively. Left out on purpose, because
    /// they are Danish words too: for, at, to, by, i, is (ice), send, sent (late), held (luck), holder (holds), time (hour),
    /// sender (sends), start, status, plan, type, filter, print, test, total, hospital, service, log (log ind), under, over,
    /// man, den, der.
    /// </summary>
    private static readonly HashSet<string> English = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "of", "in", "on", "with", "from", "not", "no", "yes", "or", "if", "as", "this", "that", "these", "your", "you", "we", "our",
        "be", "are", "was", "been", "have", "has", "will", "can", "must", "should", "please", "here", "there", "when", "which", "who", "what",
        "where", "how", "why", "after", "before", "than", "only", "also", "more", "less", "all", "none", "new", "read", "done", "open", "closed",
        "save", "cancel", "error", "errors", "warning", "submit", "back", "next", "previous", "search", "name", "date", "message", "messages",
        "referral", "referrals", "case", "cases", "consent", "meeting", "meetings", "decision", "regarding", "delete", "edit", "login", "logout",
        "sign", "signed", "user", "users", "role", "roles", "mailbox", "mailboxes", "inbox", "letter", "letters", "reply", "subject", "text",
        "title", "body", "details", "view", "page", "home", "settings", "contact", "phone", "email", "address", "welcome", "loading", "help",
        "pending", "failed", "accepted", "rejected", "delivered", "unknown", "healthy", "unhealthy", "degraded", "expired", "refused",
        "withdrawn", "decided", "awaiting", "agenda", "committee", "child", "parent", "parents", "doctor", "practitioner", "category",
        "reason", "reasons", "select", "choose", "download", "upload", "export", "report", "statistics", "operations", "audit", "health",
        "check", "queue", "queues", "outbox", "deadline", "deadlines", "reminder", "course", "action", "closing", "follow", "up", "started",
        "planned", "responsible", "party", "family", "school", "other", "staff", "citizen", "development", "developer", "debug", "request",
        "response", "exception", "stack", "trace", "true", "false", "null", "todo", "lorem", "ipsum", "custody", "receipt",
        "acknowledgement", "receiver", "received", "created", "updated", "stopped", "stalled", "missed", "count", "list",
    };

    /// <summary>
    /// Words on the list above that a page may show, and names written together that are no developer wording, each with
    /// its reason. Keep it short: a word lands here only when it is the right Danish text. (Technical names in capitals,
    /// such as FHIR, OIOXML, EAN, GLN, SOR, CPR, PDF, CSV, VANS, are neither English words nor code names: no entry needed.)
    /// </summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        ["MedCom"] = "The name of the Danish health data standard.",
        ["CareCommunication"] = "MedCom's name of the message type (the correspondence message), as integrators know it.",
        ["NemLog"] = "NemLog-in, the national sign-in.",
        ["MeMo"] = "Digital Post's message format.",
    };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero)); // a Monday
    private readonly MailboxApp _app;

    public DanishPagesTests()
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

    [Fact]
    public async Task Every_page_speaks_Danish_with_a_case_consented_decided_and_its_course_begun()
    {
        var consent = _app.Services.GetRequiredService<ConsentCommands>();
        var deadlines = _app.Services.GetRequiredService<DeadlineSweep>();
        var staff = _app.Services.GetRequiredService<StaffCommands>();
        var queries = _app.Services.GetRequiredService<CaseQueries>();
        var dispatcher = _app.Services.GetRequiredService<LetterDispatcher>();
        var box = _app.Services.GetRequiredService<IDevelopmentLetterBox>();
        var texts = new List<(string Page, string Text)>();

        // A referral opens a case; the consent letters go out.
        using (var intake = await _app.PostAsync("/api/intake", Samples.Read("carecommunication/gp-referral-child.json"), "application/fhir+json"))
        {
            Assert.Equal(HttpStatusCode.Accepted, intake.StatusCode);
        }

        await MailboxApp.Eventually(async () => await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases") == 1, "a case opened");
        var caseId = Assert.Single(await queries.ListAsync(openOnly: true, CancellationToken.None)).Id;
        await dispatcher.SendDueAsync(CancellationToken.None);
        var consentLetter = box.List().First(l => l.Actions.Any(a => a.Url.AbsolutePath.StartsWith("/samtykke/", StringComparison.Ordinal)));
        var consentPath = consentLetter.Actions.First(a => a.Url.AbsolutePath.StartsWith("/samtykke/", StringComparison.Ordinal)).Url.AbsolutePath;

        // The first custody holder reads the consent page and consents; the second consents on paper.
        using var citizen = PageClient.Anonymous(_app);
        texts.Add(("/borger/log-ind", await ReadAsync(citizen, "/borger/log-ind?ReturnUrl=" + Uri.EscapeDataString(consentPath))));
        using (var signIn = await citizen.PostFormAsync("/borger/log-ind?ReturnUrl=" + Uri.EscapeDataString(consentPath), "/borger/log-ind?handler=Addressee", new() { ["returnUrl"] = consentPath }))
        {
            Assert.Equal(consentPath, PageClient.Location(signIn));
        }

        texts.Add(("/samtykke/{token}", await ReadAsync(citizen, consentPath)));
        using (var answer = await citizen.PostFormAsync(consentPath, consentPath, new() { ["give"] = "true" }))
        {
            Assert.Equal("/samtykke/kvittering", PageClient.Location(answer));
        }

        texts.Add(("/samtykke/kvittering", await ReadAsync(citizen, "/samtykke/kvittering")));
        foreach (var party in (await queries.GetAsync(caseId, CancellationToken.None))!.Parties.Where(p => p.Answer == ConsentAnswer.Pending))
        {
            Assert.True(await consent.RegisterConsentAsync(caseId, party.PartyId, ConsentAnswer.Given, "sundhedsplejerske", CancellationToken.None));
        }

        // On the agenda; the meeting begins; the committee decides; the start meeting is planned and held.
        await deadlines.RunDueDeadlinesAsync(CancellationToken.None);
        var onAgenda = (await queries.GetAsync(caseId, CancellationToken.None))!;
        Assert.Equal(CaseState.OnAgenda, onAgenda.State);
        _time.SetUtcNow(onAgenda.Agenda!.Meeting.AddHours(1));
        using (var committee = await PageClient.StaffAsync(_app, "udvalg"))
        {
            texts.Add(("/udvalg", await ReadAsync(committee, "/udvalg")));
            using var preview = await committee.PostFormAsync("/udvalg", "/udvalg?handler=Preview", new()
            {
                ["caseId"] = caseId.ToString(), ["outcome"] = "Forløb i PPR", ["responsibleParty"] = "PPR", ["otherResponsibleParty"] = "", ["summary"] = "PPR indkalder til opstartsmøde.",
            });
            texts.Add(("/udvalg (forhåndsvisning)", VisibleText(await preview.Content.ReadAsStringAsync())));
        }

        Assert.True(await staff.RecordDecisionAsync(caseId, "Forløb i PPR", "PPR", "PPR indkalder til opstartsmøde.", "udvalg", CancellationToken.None));
        await dispatcher.SendDueAsync(CancellationToken.None);
        var courses = _app.Services.GetRequiredService<CourseWorkflow>();
        var at = _time.GetUtcNow().AddDays(10);
        Assert.True(await courses.PlanAsync(caseId, at, "PPR, Torvet 1", ["Ida Holm, psykolog"], "sundhedsplejerske", CancellationToken.None));
        _time.SetUtcNow(at.AddHours(2));
        Assert.True(await courses.RecordHeldAsync(caseId, at, MeetingKind.FollowUp,
            new ActionPlanContent("PPR, Torvet 1", ["Ida Holm, psykolog"], "Alma kommer i skole", "Søvn", "Sove bedre", "Færre fravær", "PPR taler med skolen", "Forældrene deltager", at.AddDays(30)),
            "sundhedsplejerske", CancellationToken.None));
        await dispatcher.SendDueAsync(CancellationToken.None);

        // Beside it: a case that a refusal stopped, a failed letter and a rejected message, so the lists have rows.
        var refused = await Seed.CaseAsync(_app, CaseState.ConsentRefused, _time.GetUtcNow().AddDays(-20), "Lægerne i Eksempelby", "1201149996",
            [ConsentAnswer.Given, ConsentAnswer.Refused], closedReason: "consent refused");
        await Seed.LetterAsync(_app, refused, "failed", _time.GetUtcNow().AddHours(-2), "Fejl-1");
        await Seed.MessageAsync(_app, "in", "rejected", _time.GetUtcNow().AddHours(-1), Seed.CoordinationMailbox, errorCodes: "topic-required");

        // Every staff page, as the administrator (every role) sees it.
        var detail = (await queries.GetAsync(caseId, CancellationToken.None))!;
        var referralId = await _app.QuerySingleAsync<string>("SELECT referral_message_id FROM cases WHERE id = @id", new { id = caseId.ToString() });
        var letterId = box.List()[0].MessageUuid;
        var staffPages = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/start"] = "/start",
            ["/indbakke"] = "/indbakke?visning=alle",
            ["/indbakke/skriv"] = "/indbakke/skriv",
            ["/indbakke/kvitteringer"] = "/indbakke/kvitteringer",
            ["/indbakke/kvitteringer (modtaget af os)"] = "/indbakke/kvitteringer?retning=modtagne",
            ["/beskeder/{id:guid}"] = $"/beskeder/{referralId}",
            ["/sager"] = "/sager",
            ["/sager/kraever-handling"] = "/sager/kraever-handling",
            ["/sager/{id:guid}"] = $"/sager/{caseId}",
            ["/sager/{id:guid} (standset af et afslag)"] = $"/sager/{refused}",
            ["/sager/{id:guid}/forloeb"] = $"/sager/{caseId}/forloeb",
            ["/sager/{id:guid}/handleplan/{version:int}"] = $"/sager/{caseId}/handleplan/1",
            ["/udvalg"] = "/udvalg",
            ["/statistik"] = "/statistik",
            ["/statistik/csv"] = "/statistik/csv",
            ["/revision"] = "/revision",
            ["/drift"] = "/drift",
            ["/drift/udskriftskoe"] = "/drift/udskriftskoe",
            ["/administration"] = "/administration",
            ["/administration/brugere"] = "/administration/brugere",
            ["/administration/postkasser"] = "/administration/postkasser",
            ["/administration/breve"] = "/administration/breve",
            ["/administration/breve/{kind}"] = "/administration/breve/Decision",
            ["/udvikling/digital-post"] = "/udvikling/digital-post",
            ["/udvikling/digital-post/{id:guid}"] = $"/udvikling/digital-post/{letterId}",
            ["/log-ud"] = "/log-ud",
        };
        using (var admin = await PageClient.StaffAsync(_app, "admin"))
        {
            foreach (var (pattern, path) in staffPages)
            {
                texts.Add((pattern, await ReadAsync(admin, path)));
            }
        }

        using (var anonymous = PageClient.Anonymous(_app))
        {
            texts.Add(("/log-ind", await ReadAsync(anonymous, "/log-ind")));
            texts.Add(("/logget-ud", await ReadAsync(anonymous, "/logget-ud")));
        }

        texts.Add(("/borger/log-ud", await ReadAsync(citizen, "/borger/log-ud")));
        Assert.Equal(CaseState.Decided, detail.State);

        // No page is forgotten: every Razor page the app maps was read or is listed as having no text.
        var pages = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .ToHashSet(StringComparer.Ordinal);
        var read = texts.Select(t => t.Page).ToHashSet(StringComparer.Ordinal);
        var forgotten = pages.Where(p => !read.Contains(p) && !NotRead.ContainsKey(p)).Order().ToList();
        Assert.True(forgotten.Count == 0, "Pages this test does not read (add them above):\n" + string.Join("\n", forgotten));
        var stale = read.Concat(NotRead.Keys).Where(p => !p.Contains(' ', StringComparison.Ordinal) && !pages.Contains(p)).ToList();
        Assert.True(stale.Count == 0, "Listed pages the app does not map:\n" + string.Join("\n", stale));

        var findings = texts.SelectMany(t => Findings(t.Text, development: t.Page.StartsWith("/udvikling", StringComparison.Ordinal)).Select(f => $"{t.Page}: {f}")).Distinct().ToList();
        Assert.True(findings.Count == 0, "English or developer wording on the pages:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void The_check_finds_English_in_text_and_attributes_and_code_names_but_not_in_code_or_ids()
    {
        const string html = """
            <h1 title="Cancel">Sager</h1><script>var x = "Save";</script><style>.error { }</style>
            <p>Status: OnAgenda. Id 9648be0a-1867. <code>Auth:Staff:Authority</code> {{childName}} http://localhost/the/case</p>
            <input type="submit" value="Submit"><button aria-label="Delete">Slet</button><input placeholder="Search">
            <p>Ret (SELVBETJENING) og holder mødet i MedCom.</p>
            """;

        var found = Findings(VisibleText(html), development: false).ToList();

        Assert.Equal(6, found.Count);
        Assert.Contains(found, f => f.Contains("\"Cancel\"", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("\"Submit\"", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("\"Delete\"", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("\"Search\"", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("developer name \"OnAgenda\"", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("SELVBETJENING", StringComparison.Ordinal));
        Assert.DoesNotContain(Findings(VisibleText(html), development: true), f => f.Contains("SELVBETJENING", StringComparison.Ordinal));
    }

    private static async Task<string> ReadAsync(PageClient client, string path)
    {
        var (status, body) = await client.GetPageAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path} answered {(int)status}");
        return VisibleText(body);
    }

    /// <summary>
    /// What a person reads: the text between tags, and the attributes read aloud or shown. Not read: scripts, styles, and
    /// what a page shows verbatim as technical text, namely <c>&lt;code&gt;</c> (configuration keys), the raw documents in
    /// <c>&lt;pre class="xml"&gt;</c>, the letter templates' <c>{{placeholders}}</c>, web addresses, and a code value quoted
    /// in single quotes ("når kategorien er 'other'", MedCom's own Danish error text).
    /// </summary>
    private static string VisibleText(string html)
    {
        var withoutCode = Placeholder().Replace(Code().Replace(html, " "), " ");
        var attributes = ShownAttribute().Matches(withoutCode).Select(m => m.Groups[2].Value);
        var buttonValues = ButtonValue().Matches(withoutCode).Select(m => m.Groups[1].Value);
        var text = Tag().Replace(withoutCode, " ");
        return Quoted().Replace(Address().Replace(WebUtility.HtmlDecode(string.Join(" ", [text, .. attributes, .. buttonValues])), " "), " ");
    }

    /// <summary>English words and code names in <paramref name="text"/>; the letter viewer of Development may show Digital Post's action codes.</summary>
    private static IEnumerable<string> Findings(string text, bool development)
    {
        if (!development && text.Contains("SELVBETJENING", StringComparison.OrdinalIgnoreCase))
        {
            yield return "\"(SELVBETJENING)\"";
        }

        foreach (Match word in Word().Matches(text))
        {
            var w = word.Value;
            if (w.Any(char.IsDigit) || Allowed.ContainsKey(w))
            {
                continue;
            }

            if (English.Contains(w))
            {
                yield return $"English word \"{w}\" in \"{Around(text, word.Index)}\"";
            }
            else if (Identifier().IsMatch(w))
            {
                yield return $"developer name \"{w}\" in \"{Around(text, word.Index)}\"";
            }
        }
    }

    private static string Around(string text, int index)
    {
        var from = Math.Max(0, index - 40);
        var to = Math.Min(text.Length, index + 40);
        return Space().Replace(text[from..to], " ").Trim();
    }

    [GeneratedRegex(@"<(script|style|code)\b.*?</\1>|<pre class=""xml"">.*?</pre>|<!--.*?-->", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Code();

    [GeneratedRegex(@"\{\{\w+\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Address();

    [GeneratedRegex(@"'[a-z][a-z-]*'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\b(title|aria-label|placeholder|alt)=""([^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex ShownAttribute();

    [GeneratedRegex(@"<input\b[^>]*\btype=""(?:submit|button|reset)""[^>]*\bvalue=""([^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex ButtonValue();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    /// <summary>A word: letters and digits together, so an id's fragment ("…9648be0a…") is one token and skipped.</summary>
    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    /// <summary>A name written as code writes it: PascalCase or camelCase with at least two humps (OnAgenda, CustodyHolder, gpReceipt).</summary>
    [GeneratedRegex(@"^\p{Ll}*\p{Lu}?\p{Ll}+\p{Lu}\p{Ll}+")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
