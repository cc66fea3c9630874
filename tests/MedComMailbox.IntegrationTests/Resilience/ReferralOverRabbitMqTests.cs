using System.Diagnostics;
using System.Net;
using System.Xml.Linq;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Tests.Cpr;
using MedComMailbox.Infrastructure.Tests.DigitalPost;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.IntegrationTests.Web;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace MedComMailbox.IntegrationTests.Resilience;

/// <summary>
/// The referral workflow end to end over a real RabbitMQ, with the CPR register (SF1520) and Digital Post (SF1601)
/// faked over real HTTP: a GP referral in → GP receipt (and its acknowledgement) and consent requests out → consent
/// on the consent page → the next meeting's agenda → decision letters out; and the withdrawal path.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class ReferralOverRabbitMqTests(ITestOutputHelper output)
{
    private const string Child = "1201149996";
    private const string Mother = "0103824562";
    private const string Father = "1507793417";

    private static (CprFake Cpr, DigitalPostFake Post) Fakes()
    {
        var cpr = new CprFake();
        cpr.Person(Child, "Alma Prøvesen", CprFake.Parents(Mother, Father) + CprFake.Custody(3) + CprFake.Custody(4));
        cpr.Person(Mother, "Mette Prøvesen");
        cpr.Person(Father, "Jonas Prøvesen", protectedAddress: true);
        cpr.UnknownOtherwise();
        return (cpr, new DigitalPostFake());
    }

    private static MailboxApp App(TestVhost vhost, CprFake cpr, DigitalPostFake post) => new(new Dictionary<string, string?>
    {
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:RabbitMqUrl"] = vhost.Url.ToString(),
        ["Workflow:PublicBaseUrl"] = "https://postkasse.eksempel.dk/",
        ["Workflow:SweepInterval"] = "00:00:00.200",
        ["CprLookup:Mode"] = "Serviceplatformen",
        ["CprLookup:ServiceUrl"] = cpr.ServiceUrl,
        ["CprLookup:Cvr"] = "29189129",
        ["DigitalPost:Mode"] = "Serviceplatformen",
        ["DigitalPost:ServiceBaseUrl"] = post.BaseUrl.ToString(),
        ["DigitalPost:TokenServiceBaseUrl"] = post.BaseUrl.ToString(),
        ["DigitalPost:Cvr"] = "29189129",
        ["DigitalPost:SenderLabel"] = "Eksempel Kommune",
    });

    /// <summary>The consent links in the MeMo letters Digital Post received, per recipient.</summary>
    private static Dictionary<string, string> ConsentLinks(DigitalPostFake post) =>
        post.Server.LogEntries
            .Where(e => e.RequestMessage.Path == "/service/KombiPostAfsend_1/kombi")
            .Select(e => XDocument.Parse(e.RequestMessage.Body!))
            .Where(x => x.Descendants().Any(d => d.Name.LocalName == "label" && d.Value == "Anmodning om samtykke"))
            .GroupBy(x => x.Descendants().First(d => d.Name.LocalName == "recipientID").Value)
            .ToDictionary(g => g.Key, g => new Uri(g.First().Descendants().First(d => d.Name.LocalName == "url").Value).AbsolutePath);

    private static async Task<Guid> ReferralInAsync(MailboxApp app, TestVhost vhost, DigitalPostFake post)
    {
        Assert.True(await Poll.UntilAsync(async () => await vhost.ConsumersAsync("medcom-triage") is not null, TimeSpan.FromSeconds(30)), "medcom-triage was not declared within 30 s");
        using var response = await app.PostAsync("/api/intake", Samples.Read("carecommunication/gp-referral-child.json"), "application/fhir+json");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await MailboxApp.Eventually(() => ConsentLinks(post).Count == 2, "both consent requests accepted by Digital Post", 60000);
        return Guid.Parse(await app.QuerySingleAsync<string>("SELECT id FROM cases"));
    }

    [SkippableFact]
    public async Task A_referral_goes_from_gp_to_consent_to_the_agenda_and_the_decision_letters_go_out()
    {
        Skip.IfNot(TestVhost.Available, TestVhost.NoBroker);
        var clock = Stopwatch.StartNew();
        await using var vhost = await TestVhost.CreateAsync("referral");
        var (cpr, post) = Fakes();
        using var cprServer = cpr;
        using var postServer = post;
        using var app = App(vhost, cpr, post);
        _ = app.Server;

        var caseId = await ReferralInAsync(app, vhost, post);
        var queries = app.Services.GetRequiredService<CaseQueries>();

        // The GP receipt went out as a MedCom reply and the GP's acknowledgement is matched to it.
        await MailboxApp.Eventually(() => app.OutboundAnswers().Any(a => a.Summary.Kind == MedCom.MedComMessageKind.CareCommunication), "the GP receipt written out");
        var receipt = app.OutboundAnswers().First(a => a.Summary.Kind == MedCom.MedComMessageKind.CareCommunication).File;
        using (var ack = await app.PostAsync("/api/intake", GpAcknowledgement(Path.Combine(app.Outbound, receipt)), "application/fhir+json"))
        {
            Assert.True(ack.IsSuccessStatusCode, $"{(int)ack.StatusCode}");
        }

        await MailboxApp.Eventually(async () => await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND kind = 'CareCommunication' AND status = 'acknowledged'") == 1, "the receipt acknowledged");

        // Each custody holder signs in and consents on the consent page.
        var links = ConsentLinks(post);
        Assert.Equal(new[] { Mother, Father }.Order(), links.Keys.Order());
        foreach (var (holder, path) in links)
        {
            using var page = await PageClient.CitizenAsync(app, holder, path);
            var (status, html) = await page.GetPageAsync(path);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain(holder == Mother ? "Jonas" : "Mette", html, StringComparison.Ordinal); // never the other holder
            using var answer = await page.PostFormAsync(path, path, new() { ["give"] = "true" });
            Assert.Equal("/samtykke/kvittering", PageClient.Location(answer));
        }

        // Custody is re-checked and the case is on the next meeting's agenda; other systems are told over the bus.
        await MailboxApp.Eventually(async () => (await queries.GetAsync(caseId, default))!.State == CaseState.OnAgenda, "on the agenda", 30000);
        Assert.Single(await queries.AgendaAsync(DateTimeOffset.UtcNow, default));
        await MailboxApp.Eventually(async () => await app.QuerySingleAsync<long>(
            "SELECT COUNT(*) FROM outbox WHERE type = 'MedComMailbox.Contracts.ReferralReadyForCommittee' AND dispatched_at IS NOT NULL") == 1, "ReferralReadyForCommittee published");

        // The committee decides (on the committee page, once the meeting has started); the GP and both holders are told.
        await app.MeetingStartedAsync(caseId);
        using var committee = await PageClient.StaffAsync(app, "udvalg");
        using var decide = await Referrals.DecideAsync(committee, new()
        {
            ["caseId"] = caseId.ToString(),
            ["outcome"] = "Forløb i PPR",
            ["responsibleParty"] = "PPR",
            ["otherResponsibleParty"] = "",
            ["summary"] = "PPR indkalder til opstartsmøde inden for fire uger.",
        });
        Assert.Equal(HttpStatusCode.Redirect, decide.StatusCode);
        await MailboxApp.Eventually(async () =>
        {
            var d = (await queries.GetAsync(caseId, default))!;
            return d.State == CaseState.Decided && d.Letters.Count(l => l.Kind == Core.Letters.LetterKind.Decision && l.Status == "accepted") == 2;
        }, "decision letters accepted by Digital Post", 30000);
        var decided = (await queries.GetAsync(caseId, default))!;
        Assert.Equal(2, decided.Messages.Count(m => m.Direction == "out")); // receipt and decision to the GP
        Assert.All(post.Accepted.Values, n => Assert.Equal(1, n)); // no letter reached Digital Post twice
        Assert.Equal(4, post.Accepted.Count); // 2 consent requests + 2 decisions, and nothing else
        output.WriteLine($"referral to decision over RabbitMQ in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [SkippableFact]
    public async Task A_withdrawal_over_RabbitMQ_stops_the_case_and_nothing_reaches_the_committee()
    {
        Skip.IfNot(TestVhost.Available, TestVhost.NoBroker);
        await using var vhost = await TestVhost.CreateAsync("withdraw");
        var (cpr, post) = Fakes();
        using var cprServer = cpr;
        using var postServer = post;
        using var app = App(vhost, cpr, post);
        _ = app.Server;
        var caseId = await ReferralInAsync(app, vhost, post);
        var consent = app.Services.GetRequiredService<ConsentCommands>();

        Assert.True(await consent.RegisterConsentAsync(caseId, Mother, Core.Consent.ConsentAnswer.Given, "sundhedsplejerske", default));
        Assert.True(await consent.RegisterConsentAsync(caseId, Father, Core.Consent.ConsentAnswer.Refused, "sundhedsplejerske", default));

        var detail = (await app.Services.GetRequiredService<CaseQueries>().GetAsync(caseId, default))!;
        Assert.Equal(CaseState.ConsentRefused, detail.State);
        Assert.Equal("consent refused", detail.ClosedReason);
        await Task.Delay(500);
        Assert.Equal(0, await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE type = 'MedComMailbox.Contracts.ReferralReadyForCommittee'"));
        Assert.Equal(0, await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM deadlines WHERE kind = 'CustodyRecheck'"));
    }

    /// <summary>The GP's acknowledgement of our receipt, built as the GP's system would.</summary>
    private static byte[] GpAcknowledgement(string envelopeFile)
    {
        var gp = new MedCom.MailboxIdentity(Samples.GpGln, "2345671000016005", "Lægerne i Eksempelby");
        var read = new MedCom.InboundReader([gp]).Read(File.ReadAllBytes(envelopeFile), null);
        var bundle = MedCom.Fhir.AcknowledgementBuilder.Build((MedCom.Fhir.MedComFhirMessage)read.Parsed!, MedCom.AcknowledgementOutcome.Ok, [], gp, DateTimeOffset.UtcNow);
        return System.Text.Encoding.UTF8.GetBytes(MedCom.Fhir.FhirCodec.ToJson(bundle));
    }
}
