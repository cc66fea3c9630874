using System.Net;
using MedComMailbox.Infrastructure.MedComSending;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Fhir;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.IntegrationTests.Intake;

/// <summary>What we send waits for its acknowledgement (resent after 30 minutes, twice, then flagged); threads hold together.</summary>
public sealed class OutboundAndThreadTests : IDisposable
{
    private static readonly MailboxIdentity Us = new(Samples.CoordinationGln, "1234561000016001", "Koordinationsudvalget for børn og unge, Eksempel Kommune");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly MailboxApp _app;

    public OutboundAndThreadTests()
    {
        _app = new MailboxApp(null, services =>
        {
            services.AddSingleton<TimeProvider>(_time);
            // The test drives the watchdog's work itself, one step per advance of the clock.
            services.Remove(services.Single(d => d.ImplementationType == typeof(AcknowledgementWatchdog)));
        });
        _ = _app.Server;
    }

    public void Dispose() => _app.Dispose();

    private OutboundMessages Outbound => _app.Services.GetRequiredService<OutboundMessages>();

    private static OutboundDocument OurReply() =>
        new(Samples.OurReplyHeaderId, MedComMessageKind.CareCommunication, MedComSyntax.FhirJson, "application/fhir+json",
            Samples.Read("carecommunication/reply-from-mailbox.json"), "MCM:FDIS91#regarding-referral", Samples.GpGln);

    private List<string> EnvelopesSent() =>
        _app.OutboundAnswers().Where(a => a.File.Contains("-carecommunication-", StringComparison.Ordinal)).Select(a => a.File).ToList();

    private static byte[] GpAcknowledgement(AcknowledgementOutcome outcome) => GpAcknowledgements.OfOurReply(outcome);

    [Fact]
    public async Task A_sent_message_is_resent_twice_with_new_envelope_ids_then_flagged()
    {
        var id = await Outbound.SendAsync(OurReply(), Us, CancellationToken.None);
        await MailboxApp.Eventually(() => EnvelopesSent().Count == 1, "the first envelope");

        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal((0, 0), await Outbound.ResendOverdueAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal((1, 0), await Outbound.ResendOverdueAsync(CancellationToken.None));
        await MailboxApp.Eventually(() => EnvelopesSent().Count == 2, "the first resend");

        _time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal((1, 0), await Outbound.ResendOverdueAsync(CancellationToken.None));
        await MailboxApp.Eventually(() => EnvelopesSent().Count == 3, "the second resend");

        _time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal((0, 1), await Outbound.ResendOverdueAsync(CancellationToken.None));
        Assert.Equal((0, 0), await Outbound.ResendOverdueAsync(CancellationToken.None));

        var sent = _app.OutboundAnswers().Where(a => a.File.Contains("-carecommunication-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, sent.Select(a => a.Summary.EnvelopeId).Distinct().Count());
        Assert.All(sent, a => Assert.Equal(Samples.OurReplyHeaderId, a.Summary.MessageId));
        var row = await _app.QuerySingleAsync<(string Status, long Attempts)>("SELECT status, send_attempts FROM messages WHERE id = @id", new { id = id.ToString() });
        Assert.Equal(("flagged", 3L), row);
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE type LIKE '%OutboundMessageFlagged'"));

        // The message view says how often it went out (MedCom's receive protocol asks for the resend count).
        using var staff = await Web.PageClient.StaffAsync(_app, "admin");
        var (status, html) = await staff.GetPageAsync($"/beskeder/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("3 gange (genudsendt 2 gange uden kvittering), senest", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_acknowledgement_is_matched_to_what_we_sent_and_stops_the_resends()
    {
        var id = await Outbound.SendAsync(OurReply(), Us, CancellationToken.None);

        using var response = await _app.PostAsync("/api/intake", GpAcknowledgement(AcknowledgementOutcome.Ok), "application/fhir+json");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = Samples.Json(await response.Content.ReadAsStringAsync());
        Assert.Equal("Acknowledgement", body.GetProperty("kind").GetString());
        Assert.Equal(JsonNull, body.GetProperty("acknowledgementId").ValueKind); // an acknowledgement is never acknowledged
        var row = await _app.QuerySingleAsync<(string Status, string AckCode)>("SELECT status, ack_code FROM messages WHERE id = @id", new { id = id.ToString() });
        Assert.Equal(("acknowledged", "ok"), row);
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal((0, 0), await Outbound.ResendOverdueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_fatal_error_acknowledgement_marks_the_message_failed()
    {
        var id = await Outbound.SendAsync(OurReply(), Us, CancellationToken.None);

        using var response = await _app.PostAsync("/api/intake", GpAcknowledgement(AcknowledgementOutcome.FatalError), "application/fhir+json");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("failed", await _app.QuerySingleAsync<string>("SELECT status FROM messages WHERE id = @id", new { id = id.ToString() }));
    }

    [Fact]
    public async Task Out_of_order_replies_are_joined_to_their_thread_when_the_predecessor_arrives_and_forwards_start_their_own()
    {
        // The GP's answer to our reply arrives first; its predecessor (our reply) is not stored yet.
        using (var early = await _app.PostAsync("/api/intake", Samples.Read("carecommunication/reply-from-gp.json"), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, early.StatusCode);
        }

        using (var referral = await _app.PostAsync("/api/intake", Samples.Referral, null))
        {
            Assert.Equal(HttpStatusCode.Accepted, referral.StatusCode);
        }

        var ourReply = await Outbound.SendAsync(OurReply(), Us, CancellationToken.None);
        using (var forward = await _app.PostAsync("/api/intake", Samples.Read("carecommunication/forward-from-hospital.json"), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, forward.StatusCode);
        }

        var rows = (await _app.QueryAsync<(string Id, string MessageId, string? ParentId, string ThreadId, string Activity)>(
            "SELECT id, message_id, parent_id, thread_id, activity FROM messages")).ToDictionary(r => r.MessageId);
        var referralRow = rows[Samples.ReferralHeaderId];
        var replyRow = rows[Samples.OurReplyHeaderId];
        var gpRow = rows[Samples.GpReplyHeaderId];
        var forwardRow = rows.Values.Single(r => r.Activity == "forward-message");

        Assert.Equal(ourReply.ToString(), replyRow.Id);
        Assert.Equal(referralRow.Id, replyRow.ParentId);
        Assert.Equal(replyRow.Id, gpRow.ParentId);
        Assert.Equal(referralRow.ThreadId, replyRow.ThreadId);
        Assert.Equal(referralRow.ThreadId, gpRow.ThreadId);
        Assert.NotEqual(referralRow.ThreadId, forwardRow.ThreadId);
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;
}
