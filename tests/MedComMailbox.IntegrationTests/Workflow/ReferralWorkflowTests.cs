using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Citizens;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.MedCom;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.IntegrationTests.Workflow;

/// <summary>
/// The referral workflow on the embedded default (SQLite file, in-memory bus, the development stand-ins of the CPR
/// register and Digital Post), with a fake clock so deadlines can be walked through: receipt, consent letters,
/// reminder, closure, agenda, decision, withdrawal.
/// </summary>
public sealed class ReferralWorkflowTests : IDisposable
{
    private const string Child = "1201149996"; // the sample referral's patient; the development register gives two custody holders
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero)); // a Monday
    private readonly MailboxApp _app;

    public ReferralWorkflowTests()
    {
        _app = new MailboxApp(
            new Dictionary<string, string?> { ["Workflow:SweepInterval"] = "00:00:00.200" },
            services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                // The test drives the sweep itself, one step per advance of the clock.
                services.Remove(services.Single(d => d.ImplementationType == typeof(WorkflowSweeps)));
            });
        _ = _app.Server;
    }

    public void Dispose() => _app.Dispose();

    private ReferralWorkflow Workflow => _app.Services.GetRequiredService<ReferralWorkflow>();

    private CaseQueries Queries => _app.Services.GetRequiredService<CaseQueries>();

    private async Task<CaseDetail> ReferralOpensACaseAsync()
    {
        using var response = await _app.PostAsync("/api/intake", Samples.Read("carecommunication/gp-referral-child.json"), "application/fhir+json");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        await MailboxApp.Eventually(async () => await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases") == 1, "a case opened");
        var summary = Assert.Single(await Queries.ListAsync(openOnly: true, CancellationToken.None));
        await MailboxApp.Eventually(async () =>
        {
            await SweepAsync();
            return await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE status = 'delivered'") == 2;
        }, "both consent requests delivered");
        return (await Queries.GetAsync(summary.Id, CancellationToken.None))!;
    }

    /// <summary>The token of the link in the sent letter: the database holds only its hash (schema 0005), so it comes from the letter box.</summary>
    private async Task<string> TokenFromLetterAsync(Guid caseId, string partyId, string kind = "ConsentRequest")
    {
        await SweepAsync();
        var id = await _app.QuerySingleAsync<string>(
            "SELECT id FROM letters WHERE case_id = @caseId AND party_id = @partyId AND kind = @kind ORDER BY created_at DESC LIMIT 1",
            new { caseId = caseId.ToString(), partyId, kind });
        var letter = _app.Services.GetRequiredService<IDevelopmentLetterBox>().Find(Guid.Parse(id))
            ?? throw new InvalidOperationException($"Letter {id} has not been sent.");
        var url = letter.Actions.Single(a => a.ActionCode == "SELVBETJENING").Url.AbsolutePath;
        return url[(url.LastIndexOf('/') + 1)..];
    }

    [Fact]
    public async Task The_consent_token_is_never_stored_only_its_hash_and_the_link_is_made_when_the_letter_is_sent()
    {
        var detail = await ReferralOpensACaseAsync();
        var letters = _app.Services.GetRequiredService<IDevelopmentLetterBox>().List();
        Assert.Equal(2, letters.Count);

        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE action_url IS NOT NULL"));
        var bodies = await _app.QueryAsync<string>("SELECT body FROM letters WHERE case_id = @id", new { id = detail.Id.ToString() });
        Assert.All(bodies, b => Assert.Contains(CaseEffects.ConsentLinkPlaceholder, b, StringComparison.Ordinal));
        var hashes = await _app.QueryAsync<string>("SELECT token_hash FROM consent_tokens");
        foreach (var letter in letters)
        {
            var url = letter.Actions.Single(a => a.ActionCode == "SELVBETJENING").Url.AbsoluteUri;
            var token = url[(url.LastIndexOf('/') + 1)..];
            Assert.Contains(CaseEffects.HashToken(token), hashes);
            Assert.Contains(url, letter.Text, StringComparison.Ordinal); // the sent letter carries the link in its text too
            Assert.All(bodies, b => Assert.DoesNotContain(token, b, StringComparison.Ordinal));
            Assert.DoesNotContain(token, hashes);
        }
    }

    private async Task SweepAsync()
    {
        await Workflow.RunDueDeadlinesAsync(CancellationToken.None);
        await _app.Services.GetRequiredService<LetterDispatcher>().SendDueAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_child_of_fifteen_consents_too_and_the_case_waits_for_the_child_as_well_as_the_custody_holder()
    {
        const string teenager = "0509119995"; // 15 or older on the test's date; one custody holder in the development register
        using var response = await _app.PostAsync("/api/intake", Samples.Read("carecommunication/gp-referral-with-attachment.json"), "application/fhir+json");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        await MailboxApp.Eventually(async () => await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases") == 1, "a case opened");
        await MailboxApp.Eventually(async () =>
        {
            await SweepAsync();
            return await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest' AND status = 'delivered'") == 2;
        }, "consent requests to the custody holder and the child");

        var caseId = Assert.Single(await Queries.ListAsync(openOnly: true, CancellationToken.None)).Id;
        var detail = (await Queries.GetAsync(caseId, CancellationToken.None))!;
        Assert.Equal(teenager, detail.ChildCpr);
        Assert.Contains(detail.Parties, p => p.PartyId == teenager && p.Role == PartyRole.Child);
        Assert.Single(detail.Parties, p => p.Role == PartyRole.CustodyHolder);
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest' AND party_id = @teenager", new { teenager }));

        // The child's letter speaks to the child; the custody holder's is the parents' letter as before.
        var bodies = (await _app.QueryAsync<(string PartyId, string Body)>("SELECT party_id, body FROM letters WHERE kind = 'ConsentRequest'")).ToDictionary(l => l.PartyId, l => l.Body);
        var toChild = bodies[teenager];
        var toHolder = bodies.Single(b => b.Key != teenager).Value;
        Assert.Contains("Fordi du er fyldt 15 år, skal du selv give samtykke", toChild, StringComparison.Ordinal);
        Assert.Contains("uden dit samtykke", toChild, StringComparison.Ordinal);
        Assert.DoesNotContain("jeres", toChild, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Hvis I ", toChild, StringComparison.Ordinal);
        Assert.Contains("Kommunen må ikke se på sagen uden jeres samtykke.", toHolder, StringComparison.Ordinal);
        Assert.Contains("Hvis I ikke giver samtykke, sker der ikke mere. Det er et tilbud.", toHolder, StringComparison.Ordinal);
        Assert.DoesNotContain("Fordi du er fyldt 15 år", toHolder, StringComparison.Ordinal);

        // The custody holder's consent alone is not enough.
        var holder = detail.Parties.Single(p => p.Role == PartyRole.CustodyHolder).PartyId;
        Assert.True(await Workflow.RegisterConsentAsync(caseId, holder, ConsentAnswer.Given, "test", CancellationToken.None));
        Assert.Equal(CaseState.AwaitingConsent, (await Queries.GetAsync(caseId, CancellationToken.None))!.State);
        Assert.True(await Workflow.RegisterConsentAsync(caseId, teenager, ConsentAnswer.Given, "test", CancellationToken.None));
        Assert.Equal(CaseState.CheckingCustody, (await Queries.GetAsync(caseId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_referral_gets_a_gp_receipt_in_its_thread_and_a_consent_request_to_each_custody_holder()
    {
        var detail = await ReferralOpensACaseAsync();

        Assert.Equal(CaseState.AwaitingConsent, detail.State);
        Assert.Equal(Child, detail.ChildCpr);
        Assert.Equal(2, detail.Parties.Count(p => p.Role == PartyRole.CustodyHolder));
        Assert.All(detail.Parties, p => Assert.Equal(ConsentAnswer.Pending, p.Answer));
        Assert.Equal(_time.GetUtcNow().AddDays(14), detail.ConsentDeadline);

        // The GP receipt: a CareCommunication reply in the referral's thread, waiting for the GP's acknowledgement.
        var receipt = Assert.Single(detail.Messages, m => m.Direction == "out");
        Assert.Equal("CareCommunication", receipt.Kind);
        Assert.Equal("sent", receipt.Status);
        var threads = await _app.QueryAsync<string>("SELECT DISTINCT thread_id FROM messages WHERE kind = 'CareCommunication'");
        Assert.Single(threads);
        await MailboxApp.Eventually(() => _app.OutboundAnswers().Any(a => a.Summary.Kind == MedComMessageKind.CareCommunication), "the receipt envelope written to the outbound folder");
        var sent = _app.OutboundAnswers().First(a => a.Summary.Kind == MedComMessageKind.CareCommunication).Summary;
        Assert.Equal(Samples.GpGln, sent.ReceiverGln);
        Assert.Equal("reply-message", sent.Activity);

        // The consent requests: one MeMo per custody holder, a SELVBETJENING link, no personal data in the title.
        var box = _app.Services.GetRequiredService<IDevelopmentLetterBox>();
        var letters = box.List();
        Assert.Equal(2, letters.Count);
        Assert.Equal(detail.Parties.Select(p => p.PartyId).Order(), letters.Select(l => l.RecipientCpr).Order());
        Assert.All(letters, l =>
        {
            Assert.Equal("Anmodning om samtykke", l.Label);
            Assert.Contains(l.Actions, a => a.ActionCode == "SELVBETJENING" && a.Url.AbsolutePath.StartsWith("/samtykke/", StringComparison.Ordinal));
            Assert.Contains(detail.ChildName, l.Text, StringComparison.Ordinal);
        });

        // Delivered again (a redelivered event): nothing doubles.
        var messageId = await _app.QuerySingleAsync<string>("SELECT message_id FROM case_messages WHERE role = 'referral'");
        Assert.Equal(TriageOutcome.AlreadyDone, await Workflow.TriageAsync(Guid.Parse(messageId), ReferralWorkflow.TriageConsumerName, CancellationToken.None));
        Assert.Equal(2, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters"));
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases"));
    }

    [Fact]
    public async Task Consent_from_both_holders_puts_the_case_on_the_agenda_and_the_decision_goes_to_gp_and_family()
    {
        var detail = await ReferralOpensACaseAsync();
        var holders = detail.Parties.Select(p => p.PartyId).ToList();

        // A link works only for its addressee, and only once.
        var first = await TokenFromLetterAsync(detail.Id, holders[0]);
        Assert.Equal(ConsentPageOutcome.WrongPerson, await Workflow.AnswerByTokenAsync(first, holders[1], give: true, CancellationToken.None));
        var invitation = await Workflow.FindInvitationAsync(first, CancellationToken.None);
        Assert.NotNull(invitation);
        Assert.Equal(detail.ChildName, invitation.ChildName);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ConsentPageOutcome.Recorded, await Workflow.AnswerByTokenAsync(first, holders[0], give: true, CancellationToken.None));
        Assert.Equal(ConsentPageOutcome.LinkInvalid, await Workflow.AnswerByTokenAsync(first, holders[0], give: false, CancellationToken.None));
        Assert.Null(await Workflow.FindInvitationAsync(first, CancellationToken.None));

        // The second holder answers on paper; staff register it. Custody is re-checked, the case goes on the agenda.
        Assert.True(await Workflow.RegisterConsentAsync(detail.Id, holders[1], ConsentAnswer.Given, "sundhedsplejerske", CancellationToken.None));
        await SweepAsync();
        Assert.Equal(CaseState.OnAgenda, (await Queries.GetAsync(detail.Id, CancellationToken.None))!.State);
        var onAgenda = (await Queries.GetAsync(detail.Id, CancellationToken.None))!;
        Assert.True(onAgenda.Agenda!.WithinDeadline);
        Assert.Equal(DayOfWeek.Wednesday, TimeZoneInfo.ConvertTime(onAgenda.Agenda.Meeting, TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen")).DayOfWeek);
        var item = Assert.Single(await Queries.AgendaAsync(_time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(detail.Id, item.CaseId);
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE type = 'MedComMailbox.Contracts.ReferralReadyForCommittee'"));

        // The decision: a MedCom reply to the GP and a Digital Post letter to each holder.
        _time.SetUtcNow(onAgenda.Agenda.Meeting.AddHours(1));
        Assert.True(await Workflow.RecordDecisionAsync(detail.Id, "Forløb hos PPR", "PPR", "Udvalget anbefaler et forløb hos PPR.", "udvalg", CancellationToken.None));
        Assert.False(await Workflow.RecordDecisionAsync(detail.Id, "igen", "PPR", "", "udvalg", CancellationToken.None));
        await SweepAsync();
        var decided = (await Queries.GetAsync(detail.Id, CancellationToken.None))!;
        Assert.Equal(CaseState.Decided, decided.State);
        Assert.Equal(2, decided.Letters.Count(l => l.Kind == Core.Letters.LetterKind.Decision && l.Status == "delivered"));
        Assert.Equal(2, decided.Messages.Count(m => m.Direction == "out"));
        var decisionLetter = _app.Services.GetRequiredService<IDevelopmentLetterBox>().List().First(l => l.Label == "Referat fra koordinationsudvalget");
        Assert.Contains("Udvalget anbefaler et forløb hos PPR.", decisionLetter.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_answer_one_reminder_goes_out_then_the_case_closes_and_the_gp_is_told()
    {
        var detail = await ReferralOpensACaseAsync();

        _time.Advance(TimeSpan.FromDays(13));
        await SweepAsync();
        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentReminder'"));

        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await SweepAsync();
        await SweepAsync(); // a second sweep (or a second worker) changes nothing
        Assert.Equal(2, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentReminder'"));
        var reminded = (await Queries.GetAsync(detail.Id, CancellationToken.None))!;
        Assert.True(reminded.ReminderSent);
        Assert.Equal(_time.GetUtcNow().AddMinutes(-1).AddDays(-14).AddDays(21), reminded.ConsentDeadline);

        // The reminder's link works until the extended deadline.
        var holder = detail.Parties[0].PartyId;
        var reminderToken = await TokenFromLetterAsync(detail.Id, holder, "ConsentReminder");
        Assert.NotNull(await Workflow.FindInvitationAsync(reminderToken, CancellationToken.None));

        _time.Advance(TimeSpan.FromDays(7));
        await SweepAsync();
        var closed = (await Queries.GetAsync(detail.Id, CancellationToken.None))!;
        Assert.Equal(CaseState.ClosedNoConsent, closed.State);
        Assert.Equal(2, closed.Letters.Count(l => l.Kind == Core.Letters.LetterKind.ClosedNoConsent));
        Assert.Equal(2, closed.Messages.Count(m => m.Direction == "out")); // receipt and the closure reply to the GP
        Assert.Null(await Workflow.FindInvitationAsync(reminderToken, CancellationToken.None));
        Assert.Equal(ConsentPageOutcome.LinkInvalid, await Workflow.AnswerByTokenAsync(reminderToken, holder, give: true, CancellationToken.None));
    }

    [Fact]
    public async Task A_withdrawal_takes_the_case_off_the_agenda_at_once()
    {
        var detail = await ReferralOpensACaseAsync();
        foreach (var party in detail.Parties)
        {
            Assert.True(await Workflow.RegisterConsentAsync(detail.Id, party.PartyId, ConsentAnswer.Given, "sundhedsplejerske", CancellationToken.None));
        }

        await SweepAsync();
        Assert.Equal(CaseState.OnAgenda, (await Queries.GetAsync(detail.Id, CancellationToken.None))!.State);
        Assert.True(await Workflow.RegisterConsentAsync(detail.Id, detail.Parties[1].PartyId, ConsentAnswer.Withdrawn, "sundhedsplejerske", CancellationToken.None));

        var stopped = (await Queries.GetAsync(detail.Id, CancellationToken.None))!;
        Assert.Equal(CaseState.ConsentWithdrawn, stopped.State);
        Assert.Equal("consent withdrawn", stopped.ClosedReason);
        Assert.True(stopped.Flagged);
        Assert.Empty(await Queries.AgendaAsync(_time.GetUtcNow(), CancellationToken.None));
        Assert.False(await Workflow.RecordDecisionAsync(detail.Id, "Forløb", "PPR", "", "udvalg", CancellationToken.None));
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE type = 'MedComMailbox.Contracts.ReferralClosed'"));
    }

    [Fact]
    public async Task A_reply_from_the_gp_in_the_thread_joins_the_case_and_a_second_referral_of_the_child_is_not_a_second_case()
    {
        var detail = await ReferralOpensACaseAsync();

        using (var reply = await _app.PostAsync("/api/intake", Samples.Read("carecommunication/reply-from-gp.json"), "application/fhir+json"))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, reply.StatusCode);
        }

        await MailboxApp.Eventually(async () => (await Queries.GetAsync(detail.Id, CancellationToken.None))!.Messages.Count(m => m.Direction == "in") == 2, "the reply attached");
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases"));
        Assert.Contains((await Queries.GetAsync(detail.Id, CancellationToken.None))!.Timeline, t => t.Kind == "message");
    }
}
