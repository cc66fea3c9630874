using System.Net;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.MedComSending;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.MedCom;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>
/// The operations page (/drift): each list and its button against the real intake, outbound and workflow code, the
/// health checks, the queues, and who may use it (operators and administrators; limited to their mailboxes).
/// </summary>
public sealed class OperationsPageTests : IDisposable
{
    private const string UnknownReceiverGln = "5790001348120"; // Hjemmeplejen, Nabo Kommune in medcom-samples/invalid/receiver-unknown.json
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero));
    private readonly List<MailboxApp> _apps = [];

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }
    }

    private MailboxApp Start(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, Action<MailboxApp>? beforeStart = null)
    {
        var app = Seed.App(_time, settings, s =>
        {
            // The test resends by hand; the watchdog would do it on its own when the fake clock moves.
            s.Remove(s.Single(d => d.ImplementationType == typeof(AcknowledgementWatchdog)));
            services?.Invoke(s);
        });
        _apps.Add(app);
        beforeStart?.Invoke(app);
        _ = app.Server;
        return app;
    }

    [Fact]
    public async Task A_failed_letter_is_listed_without_personal_data_and_send_igen_queues_the_same_letter_again()
    {
        var app = Start();
        var caseId = await Seed.CaseAsync(app, CaseState.AwaitingConsent, _time.GetUtcNow().AddDays(-2), "Lægerne i Eksempelby", "1201149996", [ConsentAnswer.Pending]);
        var letterId = await Seed.LetterAsync(app, caseId, "failed", _time.GetUtcNow().AddDays(-1), "Fejl-42");
        var otherCase = await Seed.CaseAsync(app, CaseState.AwaitingConsent, _time.GetUtcNow().AddDays(-2), "Lægerne i Eksempelby", "1201149996", [ConsentAnswer.Pending], mailboxGln: Seed.OtherMailbox);
        var otherLetter = await Seed.LetterAsync(app, otherCase, "failed", _time.GetUtcNow().AddDays(-1), "Fejl-43");
        using var operatorClient = await PageClient.StaffAsync(app, "sundhedsplejerske");
        using var limited = await PageClient.StaffAsync(app, Seed.LimitedOperator);

        var (status, html) = await operatorClient.GetPageAsync("/drift");
        var (_, limitedHtml) = await limited.GetPageAsync("/drift");
        using var refused = await limited.PostFormAsync("/drift", "/drift?handler=ResendLetter", new() { ["letterId"] = letterId });
        using var resend = await operatorClient.PostFormAsync("/drift", "/drift?handler=ResendLetter", new() { ["letterId"] = letterId });
        var (_, after) = await operatorClient.GetPageAsync("/drift");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(letterId, html, StringComparison.Ordinal);
        Assert.Contains(otherLetter, html, StringComparison.Ordinal);
        Assert.Contains("Fejl-42", html, StringComparison.Ordinal);
        Assert.Contains("Anmodning om samtykke", html, StringComparison.Ordinal);
        Assert.Contains("Forældremyndighedsindehaver", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/sager/{caseId}\"", html, StringComparison.Ordinal);
        foreach (var personal in new[] { "Forælder Testesen", "Barn Testesen", "0101700000", "1201149996", "120114" })
        {
            Assert.DoesNotContain(personal, html, StringComparison.Ordinal);
        }

        // The operator limited to the other mailbox sees only that mailbox's letter and cannot resend this one.
        Assert.DoesNotContain(letterId, limitedHtml, StringComparison.Ordinal);
        Assert.Contains(otherLetter, limitedHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, resend.StatusCode);
        Assert.Equal("/drift", PageClient.Location(resend));
        Assert.Contains("Brevet sendes igen til Digital Post.", after, StringComparison.Ordinal);
        Assert.DoesNotContain(letterId, after, StringComparison.Ordinal);
        Assert.Equal("pending", await app.QuerySingleAsync<string>("SELECT status FROM letters WHERE id = @letterId", new { letterId }));
        Assert.Equal("Sundhedsplejerske (udvikling)", await app.QuerySingleAsync<string>("SELECT actor FROM case_events WHERE case_id = @caseId AND kind = 'letter'", new { caseId }));
        Assert.Equal("failed", await app.QuerySingleAsync<string>("SELECT status FROM letters WHERE id = @otherLetter", new { otherLetter }));
    }

    [Fact]
    public async Task A_message_rejected_for_an_unknown_receiver_is_accepted_when_processed_again_once_the_mailbox_is_configured()
    {
        var before = Start();
        using (var response = await before.PostAsync("/api/intake", Samples.Read("invalid/receiver-unknown.json"), "application/fhir+json"))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        }

        var id = await before.QuerySingleAsync<string>("SELECT id FROM messages WHERE direction = 'in'");
        using var operatorClient = await PageClient.StaffAsync(before, "sundhedsplejerske");
        var (_, html) = await operatorClient.GetPageAsync("/drift");
        Assert.Contains(id, html, StringComparison.Ordinal);
        Assert.Contains("<code>receiver-unknown</code>: " + MedComErrors.ReceiverUnknown.TextDa, html, StringComparison.Ordinal);
        Assert.Contains(Samples.GpGln, html, StringComparison.Ordinal);
        Assert.Contains(UnknownReceiverGln, html, StringComparison.Ordinal);

        // Processed again while the receiver is still unknown: still rejected, and the sender gets no second answer.
        await MailboxApp.Eventually(async () => await before.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL") == 0, "the negative acknowledgement sent");
        var answersBefore = before.OutboundAnswers().Count;
        using var still = await operatorClient.PostFormAsync("/drift", "/drift?handler=Reprocess", new() { ["messageId"] = id });
        var (_, stillHtml) = await operatorClient.GetPageAsync("/drift");
        Assert.Contains("Beskeden er stadig ugyldig: " + MedComErrors.ReceiverUnknown.TextDa, stillHtml, StringComparison.Ordinal);
        Assert.Equal("rejected", await before.QuerySingleAsync<string>("SELECT status FROM messages WHERE id = @id", new { id }));
        Assert.Equal(0, await before.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL"));
        Assert.Equal(answersBefore, before.OutboundAnswers().Count);

        // The municipality adds the mailbox and restarts: the same database under the new configuration.
        var after = Start(
            new Dictionary<string, string?>
            {
                ["Mailbox:Mailboxes:2:Gln"] = UnknownReceiverGln,
                ["Mailbox:Mailboxes:2:SorId"] = "4567891000016008",
                ["Mailbox:Mailboxes:2:Name"] = "Hjemmeplejen, Nabo Kommune",
            },
            beforeStart: app => CopyDatabase(before, app));
        using var afterClient = await PageClient.StaffAsync(after, "sundhedsplejerske");
        using var reprocess = await afterClient.PostFormAsync("/drift", "/drift?handler=Reprocess", new() { ["messageId"] = id });
        var (_, done) = await afterClient.GetPageAsync("/drift");

        Assert.Equal(HttpStatusCode.Redirect, reprocess.StatusCode);
        Assert.Contains("Beskeden er behandlet igen og modtaget", done, StringComparison.Ordinal);
        Assert.DoesNotContain(id, done, StringComparison.Ordinal);
        var row = await after.QuerySingleAsync<(string Status, string? ErrorCodes, string? MailboxGln, string? AckCode)>(
            "SELECT status, error_codes, mailbox_gln, ack_code FROM messages WHERE id = @id", new { id });
        Assert.Equal(("accepted", null, UnknownReceiverGln, "ok"), row);
        await MailboxApp.Eventually(async () => await after.QuerySingleAsync<long>("SELECT COUNT(*) FROM inbox_items WHERE message_id = @id", new { id }) == 1, "the message routed to the inbox");
        var headerId = await after.QuerySingleAsync<string>("SELECT message_id FROM messages WHERE id = @id", new { id });
        await MailboxApp.Eventually(
            () => after.OutboundAnswers().Any(a => a.Summary.Kind == MedComMessageKind.Acknowledgement && a.Summary.AcknowledgedMessageId == headerId && a.Summary.AcknowledgementCode == "ok"),
            "the positive acknowledgement in the outbound folder");
    }

    [Fact]
    public async Task A_sent_message_without_acknowledgement_is_listed_and_send_igen_sends_it_with_a_new_envelope()
    {
        var app = Start();
        using (var response = await app.PostAsync("/api/intake", Samples.Referral, "application/fhir+json"))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await MailboxApp.Eventually(async () => await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND kind = 'CareCommunication'") == 1, "the GP receipt stored");
        var id = await app.QuerySingleAsync<string>("SELECT id FROM messages WHERE direction = 'out' AND kind = 'CareCommunication'");
        var envelope = await app.QuerySingleAsync<string>("SELECT envelope_id FROM messages WHERE id = @id", new { id });
        using var operatorClient = await PageClient.StaffAsync(app, "sundhedsplejerske");

        var (_, fresh) = await operatorClient.GetPageAsync("/drift");
        _time.Advance(TimeSpan.FromMinutes(31));
        var (_, overdue) = await operatorClient.GetPageAsync("/drift");
        await Seed.ExecuteAsync(app, "UPDATE messages SET status = 'flagged', send_attempts = 3 WHERE id = @id", new { id });
        var (_, flagged) = await operatorClient.GetPageAsync("/drift");
        var deliveries = await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE message_id = @id AND kind = 'deliver'", new { id });
        using var resend = await operatorClient.PostFormAsync("/drift", "/drift?handler=ResendMessage", new() { ["messageId"] = id });
        var (_, after) = await operatorClient.GetPageAsync("/drift");

        Assert.DoesNotContain(id, fresh, StringComparison.Ordinal);
        Assert.Contains(id, overdue, StringComparison.Ordinal);
        Assert.Contains("Sendt, ingen kvittering endnu", overdue, StringComparison.Ordinal);
        Assert.Contains("Ingen kvittering efter sidste genfremsendelse", flagged, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, resend.StatusCode);
        Assert.Contains("Beskeden sendes igen med en ny kuvert.", after, StringComparison.Ordinal);
        Assert.DoesNotContain(id, after, StringComparison.Ordinal);
        var row = await app.QuerySingleAsync<(string Status, long SendAttempts, string EnvelopeId)>("SELECT status, send_attempts, envelope_id FROM messages WHERE id = @id", new { id });
        Assert.Equal("sent", row.Status);
        Assert.Equal(4, row.SendAttempts);
        Assert.NotEqual(envelope, row.EnvelopeId);
        Assert.Equal(deliveries + 1, await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE message_id = @id AND kind = 'deliver'", new { id }));
        Assert.DoesNotContain("1201149996", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reconciliation_count_and_the_oldest_age_are_shown()
    {
        var app = Start();
        var at = _time.GetUtcNow().AddMinutes(-20).ToUnixTimeMilliseconds();
        // Stored and published 20 minutes ago, never triaged (the broker lost it): past Reconciliation:After (10 min).
        await Seed.ExecuteAsync(app,
            """
            INSERT INTO messages (id, direction, status, channel, received_at, kind, syntax, size_bytes, raw_sha256, raw)
            VALUES ('8b1c6a52-34a5-4cfc-9d7e-9a9d2f0c1e11', 'in', 'accepted', 'http', @at, 'CareCommunication', 'FhirJson', 1, 'x', @raw);
            INSERT INTO outbox (message_id, kind, type, payload, created_at, due_at, attempts, dispatched_at)
            VALUES ('8b1c6a52-34a5-4cfc-9d7e-9a9d2f0c1e11', 'publish', 'MedComMailbox.Contracts.MedComMessageReceived', @raw, @at, @at, 1, @at);
            INSERT INTO deadlines (case_id, kind, due_at) VALUES ('x', 'ConsentReminder', @due);
            """,
            new { at, raw = new byte[] { 1 }, due = _time.GetUtcNow().AddMinutes(-15).ToUnixTimeMilliseconds() });
        using var admin = await PageClient.StaffAsync(app, "admin");

        var (status, html) = await admin.GetPageAsync("/drift");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<dd id=\"drift-total\">2</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"drift-unrouted\">1</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"drift-oldest\">20 min.</dd>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_checks_and_queues_are_shown_without_exception_text()
    {
        var app = Start(services: s => s.AddHealthChecks()
            .AddCheck("cpr-register", () => HealthCheckResult.Degraded("Svarer langsomt"), tags: ["external"])
            .AddCheck("kaster", () => throw new InvalidOperationException("Opslag på 0101901234 fejlede")));
        await Seed.ExecuteAsync(app, "INSERT INTO deadlines (case_id, kind, due_at, attempts) VALUES ('x', 'ConsentReminder', @due, 2)",
            new { due = _time.GetUtcNow().AddHours(-3).ToUnixTimeMilliseconds() });
        using var admin = await PageClient.StaffAsync(app, "admin");

        var (status, html) = await admin.GetPageAsync("/drift");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("cpr-register (external)", html, StringComparison.Ordinal);
        Assert.Contains("Svarer langsomt", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge warn\">Nedsat</span>", html, StringComparison.Ordinal);
        Assert.Contains("Kontrollen fejlede (InvalidOperationException).", html, StringComparison.Ordinal);
        Assert.Contains("Samlet: <span class=\"badge bad\">Fejl</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("0101901234", html, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"deadlines-overdue\">1</dd>", html, StringComparison.Ordinal);
        Assert.Contains("3 t. 0 min.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_operators_and_administrators_may_use_the_page_and_every_form_needs_an_antiforgery_token()
    {
        var app = Start();
        var caseId = await Seed.CaseAsync(app, CaseState.AwaitingConsent, _time.GetUtcNow(), "Lægerne i Eksempelby", "1201149996", [ConsentAnswer.Pending]);
        var letterId = await Seed.LetterAsync(app, caseId, "failed", _time.GetUtcNow(), "Fejl-42");
        var rejectedId = await Seed.MessageAsync(app, "in", "rejected", _time.GetUtcNow(), null, errorCodes: "receiver-unknown");
        var sentId = await Seed.MessageAsync(app, "out", "flagged", _time.GetUtcNow(), Seed.CoordinationMailbox, receiverGln: Samples.GpGln, sendAttempts: 3);
        using var committee = await PageClient.StaffAsync(app, "udvalg");
        using var operatorClient = await PageClient.StaffAsync(app, "sundhedsplejerske");
        using var admin = await PageClient.StaffAsync(app, "admin");

        using var committeeGet = await committee.Http.GetAsync("/drift");
        Assert.Equal(HttpStatusCode.Forbidden, committeeGet.StatusCode);
        foreach (var (handler, field, value) in new[] { ("ResendLetter", "letterId", letterId), ("Reprocess", "messageId", rejectedId), ("ResendMessage", "messageId", sentId) })
        {
            using var forbidden = await committee.PostFormAsync("/start", $"/drift?handler={handler}", new() { [field] = value });
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            using var noToken = await operatorClient.PostWithoutTokenAsync($"/drift?handler={handler}", new() { [field] = value });
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        }

        Assert.Equal("failed", await app.QuerySingleAsync<string>("SELECT status FROM letters WHERE id = @letterId", new { letterId }));
        Assert.Equal("flagged", await app.QuerySingleAsync<string>("SELECT status FROM messages WHERE id = @sentId", new { sentId }));
        Assert.Equal("rejected", await app.QuerySingleAsync<string>("SELECT status FROM messages WHERE id = @rejectedId", new { rejectedId }));

        var (status, html) = await admin.GetPageAsync("/drift");
        Assert.Equal(HttpStatusCode.OK, status);
        var forms = PageClient.PostForms(html);
        Assert.True(forms.Count >= 4, $"expected the three buttons and sign-out, found {forms.Count} forms");
        Assert.All(forms, f => Assert.Contains(PageClient.TokenField, f, StringComparison.Ordinal));
    }

    /// <summary>A consistent copy of one app's database (SQLite's online backup) for another app, before the latter starts.</summary>
    private static void CopyDatabase(MailboxApp from, MailboxApp to)
    {
        using var source = new SqliteConnection($"Data Source={from.DatabasePath};Pooling=False");
        using var target = new SqliteConnection($"Data Source={to.DatabasePath};Pooling=False");
        source.Open();
        target.Open();
        source.BackupDatabase(target);
    }
}
