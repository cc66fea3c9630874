using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.MedCom;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Workflow;

/// <summary>
/// The referral workflow on the embedded default (SQLite file, in-memory bus, the development stand-ins of the CPR
/// register and Digital Post), with a fake clock so deadlines can be walked through: receipt, consent letters,
/// reminder, closure, agenda, decision, withdrawal.
/// </summary>
public sealed class ReferralWorkflowTests : IDisposable
{
    private const string Child = "1201149996"; // the sample referral's patient; the development register gives two custody holders
    private readonly FakeClockMailbox _host = new();

    public void Dispose() => _host.Dispose();

    private async Task<CaseDetail> ReferralOpensACaseAsync()
    {
        var opened = await _host.OpenedAsync();
        await MailboxApp.Eventually(async () =>
        {
            await _host.SweepAsync();
            return await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE status = 'delivered'") == 2;
        }, "both consent requests delivered");
        return await _host.CaseAsync(opened.Id);
    }

    /// <summary>The token of the link in the sent letter: the database holds only its hash (schema 0005), so it comes from the letter box.</summary>
    private async Task<string> TokenFromLetterAsync(Guid caseId, string partyId, string kind = "ConsentRequest")
    {
        await _host.SweepAsync();
        var id = await _host.App.QuerySingleAsync<string>(
            "SELECT id FROM letters WHERE case_id = @caseId AND party_id = @partyId AND kind = @kind ORDER BY created_at DESC LIMIT 1",
            new { caseId = caseId.ToString(), partyId, kind });
        var letter = _host.App.Services.GetRequiredService<IDevelopmentLetterBox>().Find(Guid.Parse(id))
            ?? throw new InvalidOperationException($"Letter {id} has not been sent.");
        var url = letter.Actions.Single(a => a.ActionCode == "SELVBETJENING").Url.AbsolutePath;
        return url[(url.LastIndexOf('/') + 1)..];
    }

    [Fact]
    public async Task The_consent_token_is_never_stored_only_its_hash_and_the_link_is_made_when_the_letter_is_sent()
    {
        var detail = await ReferralOpensACaseAsync();
        var letters = _host.App.Services.GetRequiredService<IDevelopmentLetterBox>().List();
        Assert.Equal(2, letters.Count);

        Assert.Equal(0, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE action_url IS NOT NULL"));
        var bodies = await _host.App.QueryAsync<string>("SELECT body FROM letters WHERE case_id = @id", new { id = detail.Id.ToString() });
        Assert.All(bodies, b => Assert.Contains(CaseEffects.ConsentLinkPlaceholder, b, StringComparison.Ordinal));
        var hashes = await _host.App.QueryAsync<string>("SELECT token_hash FROM consent_tokens");
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

    [Fact]
    public async Task A_child_of_fifteen_consents_too_and_the_case_waits_for_the_child_as_well_as_the_custody_holder()
    {
        const string teenager = "0509119995"; // 15 or older on the test's date; one custody holder in the development register
        using var response = await _host.App.PostAsync("/api/intake", Samples.Read("carecommunication/gp-referral-with-attachment.json"), "application/fhir+json");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        await MailboxApp.Eventually(async () => await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases") == 1, "a case opened");
        await MailboxApp.Eventually(async () =>
        {
            await _host.SweepAsync();
            return await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest' AND status = 'delivered'") == 2;
        }, "consent requests to the custody holder and the child");

        var caseId = Assert.Single(await _host.Queries.ListAsync(openOnly: true, CancellationToken.None)).Id;
        var detail = (await _host.Queries.GetAsync(caseId, CancellationToken.None))!;
        Assert.Equal(teenager, detail.ChildCpr);
        Assert.Contains(detail.Parties, p => p.PartyId == teenager && p.Role == PartyRole.Child);
        Assert.Single(detail.Parties, p => p.Role == PartyRole.CustodyHolder);
        Assert.Equal(1, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentRequest' AND party_id = @teenager", new { teenager }));

        // The child's letter speaks to the child; the custody holder's is the parents' letter as before.
        var bodies = (await _host.App.QueryAsync<(string PartyId, string Body)>("SELECT party_id, body FROM letters WHERE kind = 'ConsentRequest'")).ToDictionary(l => l.PartyId, l => l.Body);
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
        Assert.True(await _host.Consent.RegisterConsentAsync(caseId, holder, ConsentAnswer.Given, "test", CancellationToken.None));
        Assert.Equal(CaseState.AwaitingConsent, (await _host.Queries.GetAsync(caseId, CancellationToken.None))!.State);
        Assert.True(await _host.Consent.RegisterConsentAsync(caseId, teenager, ConsentAnswer.Given, "test", CancellationToken.None));
        Assert.Equal(CaseState.CheckingCustody, (await _host.Queries.GetAsync(caseId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_referral_gets_a_gp_receipt_in_its_thread_and_a_consent_request_to_each_custody_holder()
    {
        var detail = await ReferralOpensACaseAsync();

        Assert.Equal(CaseState.AwaitingConsent, detail.State);
        Assert.Equal(Child, detail.ChildCpr);
        Assert.Equal(2, detail.Parties.Count(p => p.Role == PartyRole.CustodyHolder));
        Assert.All(detail.Parties, p => Assert.Equal(ConsentAnswer.Pending, p.Answer));
        Assert.Equal(_host.Clock.GetUtcNow().AddDays(14), detail.ConsentDeadline);

        // The GP receipt: a CareCommunication reply in the referral's thread, waiting for the GP's acknowledgement.
        var receipt = Assert.Single(detail.Messages, m => m.Direction == "out");
        Assert.Equal("CareCommunication", receipt.Kind);
        Assert.Equal("sent", receipt.Status);
        var threads = await _host.App.QueryAsync<string>("SELECT DISTINCT thread_id FROM messages WHERE kind = 'CareCommunication'");
        Assert.Single(threads);
        await MailboxApp.Eventually(() => _host.App.OutboundAnswers().Any(a => a.Summary.Kind == MedComMessageKind.CareCommunication), "the receipt envelope written to the outbound folder");
        var sent = _host.App.OutboundAnswers().First(a => a.Summary.Kind == MedComMessageKind.CareCommunication).Summary;
        Assert.Equal(Samples.GpGln, sent.ReceiverGln);
        Assert.Equal("reply-message", sent.Activity);

        // The consent requests: one MeMo per custody holder, a SELVBETJENING link, no personal data in the title.
        var box = _host.App.Services.GetRequiredService<IDevelopmentLetterBox>();
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
        var messageId = await _host.App.QuerySingleAsync<string>("SELECT message_id FROM case_messages WHERE role = 'referral'");
        Assert.Equal(TriageOutcome.AlreadyDone, await _host.Triage.TriageAsync(Guid.Parse(messageId), ReferralTriage.TriageConsumerName, CancellationToken.None));
        Assert.Equal(2, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters"));
        Assert.Equal(1, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases"));
    }

    [Fact]
    public async Task Consent_from_both_holders_puts_the_case_on_the_agenda_and_the_decision_goes_to_gp_and_family()
    {
        var detail = await ReferralOpensACaseAsync();
        var holders = detail.Parties.Select(p => p.PartyId).ToList();

        // A link works only for its addressee, and only once.
        var first = await TokenFromLetterAsync(detail.Id, holders[0]);
        Assert.Equal(ConsentPageOutcome.WrongPerson, await _host.Consent.AnswerByTokenAsync(first, holders[1], give: true, CancellationToken.None));
        var invitation = await _host.Consent.FindInvitationAsync(first, CancellationToken.None);
        Assert.NotNull(invitation);
        Assert.Equal(detail.ChildName, invitation.ChildName);
        _host.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ConsentPageOutcome.Recorded, await _host.Consent.AnswerByTokenAsync(first, holders[0], give: true, CancellationToken.None));
        Assert.Equal(ConsentPageOutcome.LinkInvalid, await _host.Consent.AnswerByTokenAsync(first, holders[0], give: false, CancellationToken.None));
        Assert.Null(await _host.Consent.FindInvitationAsync(first, CancellationToken.None));

        // The second holder answers on paper; staff register it. Custody is re-checked, the case goes on the agenda.
        Assert.True(await _host.Consent.RegisterConsentAsync(detail.Id, holders[1], ConsentAnswer.Given, "sundhedsplejerske", CancellationToken.None));
        await _host.SweepAsync();
        Assert.Equal(CaseState.OnAgenda, (await _host.Queries.GetAsync(detail.Id, CancellationToken.None))!.State);
        var onAgenda = (await _host.Queries.GetAsync(detail.Id, CancellationToken.None))!;
        Assert.True(onAgenda.Agenda!.WithinDeadline);
        Assert.Equal(DayOfWeek.Wednesday, TimeZoneInfo.ConvertTime(onAgenda.Agenda.Meeting, TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen")).DayOfWeek);
        var item = Assert.Single(await _host.Queries.AgendaAsync(_host.Clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal(detail.Id, item.CaseId);
        Assert.Equal(1, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE type = 'MedComMailbox.Contracts.ReferralReadyForCommittee'"));

        // The decision: a MedCom reply to the GP and a Digital Post letter to each holder.
        _host.Clock.SetUtcNow(onAgenda.Agenda.Meeting.AddHours(1));
        Assert.True(await _host.Staff.RecordDecisionAsync(detail.Id, "Forløb hos PPR", "PPR", "Udvalget anbefaler et forløb hos PPR.", "udvalg", CancellationToken.None));
        Assert.False(await _host.Staff.RecordDecisionAsync(detail.Id, "igen", "PPR", "", "udvalg", CancellationToken.None));
        await _host.SweepAsync();
        var decided = (await _host.Queries.GetAsync(detail.Id, CancellationToken.None))!;
        Assert.Equal(CaseState.Decided, decided.State);
        Assert.Equal(2, decided.Letters.Count(l => l.Kind == Core.Letters.LetterKind.Decision && l.Status == "delivered"));
        Assert.Equal(2, decided.Messages.Count(m => m.Direction == "out"));
        var decisionLetter = _host.App.Services.GetRequiredService<IDevelopmentLetterBox>().List().First(l => l.Label == "Referat fra koordinationsudvalget");
        Assert.Contains("Udvalget anbefaler et forløb hos PPR.", decisionLetter.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_answer_one_reminder_goes_out_then_the_case_closes_and_the_gp_is_told()
    {
        var detail = await ReferralOpensACaseAsync();

        _host.Clock.Advance(TimeSpan.FromDays(13));
        await _host.SweepAsync();
        Assert.Equal(0, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentReminder'"));

        _host.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await _host.SweepAsync();
        await _host.SweepAsync(); // a second sweep (or a second worker) changes nothing
        Assert.Equal(2, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE kind = 'ConsentReminder'"));
        var reminded = (await _host.Queries.GetAsync(detail.Id, CancellationToken.None))!;
        Assert.True(reminded.ReminderSent);
        Assert.Equal(_host.Clock.GetUtcNow().AddMinutes(-1).AddDays(-14).AddDays(21), reminded.ConsentDeadline);

        // The reminder's link works until the extended deadline.
        var holder = detail.Parties[0].PartyId;
        var reminderToken = await TokenFromLetterAsync(detail.Id, holder, "ConsentReminder");
        Assert.NotNull(await _host.Consent.FindInvitationAsync(reminderToken, CancellationToken.None));

        _host.Clock.Advance(TimeSpan.FromDays(7));
        await _host.SweepAsync();
        var closed = (await _host.Queries.GetAsync(detail.Id, CancellationToken.None))!;
        Assert.Equal(CaseState.ClosedNoConsent, closed.State);
        Assert.Equal(2, closed.Letters.Count(l => l.Kind == Core.Letters.LetterKind.ClosedNoConsent));
        Assert.Equal(2, closed.Messages.Count(m => m.Direction == "out")); // receipt and the closure reply to the GP
        Assert.Null(await _host.Consent.FindInvitationAsync(reminderToken, CancellationToken.None));
        Assert.Equal(ConsentPageOutcome.LinkInvalid, await _host.Consent.AnswerByTokenAsync(reminderToken, holder, give: true, CancellationToken.None));
    }

    [Fact]
    public async Task A_withdrawal_takes_the_case_off_the_agenda_at_once()
    {
        var detail = await ReferralOpensACaseAsync();
        foreach (var party in detail.Parties)
        {
            Assert.True(await _host.Consent.RegisterConsentAsync(detail.Id, party.PartyId, ConsentAnswer.Given, "sundhedsplejerske", CancellationToken.None));
        }

        await _host.SweepAsync();
        Assert.Equal(CaseState.OnAgenda, (await _host.Queries.GetAsync(detail.Id, CancellationToken.None))!.State);
        Assert.True(await _host.Consent.RegisterConsentAsync(detail.Id, detail.Parties[1].PartyId, ConsentAnswer.Withdrawn, "sundhedsplejerske", CancellationToken.None));

        var stopped = (await _host.Queries.GetAsync(detail.Id, CancellationToken.None))!;
        Assert.Equal(CaseState.ConsentWithdrawn, stopped.State);
        Assert.Equal("consent withdrawn", stopped.ClosedReason);
        Assert.True(stopped.Flagged);
        Assert.Empty(await _host.Queries.AgendaAsync(_host.Clock.GetUtcNow(), CancellationToken.None));
        Assert.False(await _host.Staff.RecordDecisionAsync(detail.Id, "Forløb", "PPR", "", "udvalg", CancellationToken.None));
        Assert.Equal(1, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE type = 'MedComMailbox.Contracts.ReferralClosed'"));
    }

    [Fact]
    public async Task A_reply_from_the_gp_in_the_thread_joins_the_case_and_a_second_referral_of_the_child_is_not_a_second_case()
    {
        var detail = await ReferralOpensACaseAsync();

        using (var reply = await _host.App.PostAsync("/api/intake", Samples.Read("carecommunication/reply-from-gp.json"), "application/fhir+json"))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, reply.StatusCode);
        }

        await MailboxApp.Eventually(async () => (await _host.Queries.GetAsync(detail.Id, CancellationToken.None))!.Messages.Count(m => m.Direction == "in") == 2, "the reply attached");
        Assert.Equal(1, await _host.App.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases"));
        Assert.Contains((await _host.Queries.GetAsync(detail.Id, CancellationToken.None))!.Timeline, t => t.Kind == "message");
    }
}
