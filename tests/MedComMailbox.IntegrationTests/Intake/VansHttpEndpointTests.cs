using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.MedCom;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MedComMailbox.IntegrationTests.Intake;

/// <summary>Acknowledgements can go to the VANS provider's HTTP endpoint instead of a folder; a failing endpoint is retried.</summary>
public sealed class VansHttpEndpointTests
{
    [Fact]
    public async Task The_acknowledgement_is_posted_in_its_envelope_and_retried_after_a_failure()
    {
        using var vans = WireMockServer.Start();
        vans.Given(Request.Create().WithPath("/outbound").UsingPost()).InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(503));
        vans.Given(Request.Create().WithPath("/outbound").UsingPost()).InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(200));
        using var app = new MailboxApp(new Dictionary<string, string?>
        {
            ["Vans:OutboundEndpoint"] = $"{vans.Url}/outbound",
            ["Vans:OutboundFolder"] = "",
        });

        using var response = await app.PostAsync("/api/intake", Samples.Referral, "application/fhir+json");

        // The referral also makes the workflow send the GP a receipt through the same endpoint: look at the acknowledgement.
        var reader = new InboundReader();
        bool IsAcknowledgement(WireMock.Logging.ILogEntry e) => reader.Read(e.RequestMessage.BodyAsBytes!, null).Summary.Kind == MedComMessageKind.Acknowledgement;
        await MailboxApp.Eventually(() => vans.LogEntries.Count(e => e.ResponseMessage.StatusCode is 200 && IsAcknowledgement(e)) == 1, "the envelope accepted by the provider", 30000);
        var delivered = vans.LogEntries.Last(e => e.ResponseMessage.StatusCode is 200 && IsAcknowledgement(e)).RequestMessage;
        Assert.StartsWith("application/xml", delivered.Headers!["Content-Type"][0], StringComparison.Ordinal);
        var answer = reader.Read(delivered.BodyAsBytes!, null).Summary;
        Assert.Equal(Samples.ReferralHeaderId, answer.AcknowledgedMessageId);
        Assert.Equal("ok", answer.AcknowledgementCode);
        Assert.False(Directory.Exists(app.Outbound));
        await MailboxApp.Eventually(async () => await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'deliver' AND type = 'Acknowledgement' AND dispatched_at IS NOT NULL") == 1, "the outbox row marked sent");
    }
}
