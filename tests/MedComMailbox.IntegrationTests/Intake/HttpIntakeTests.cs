using System.Net;
using System.Text;
using System.Text.Json;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.MedCom;
using MedComMailbox.Tests;

namespace MedComMailbox.IntegrationTests.Intake;

/// <summary>POST /api/intake on the embedded default: stored, acknowledged into the outbound folder, routed once.</summary>
public sealed class HttpIntakeTests : IDisposable
{
    private readonly MailboxApp _app = new(null);

    public void Dispose() => _app.Dispose();

    private async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> Post(byte[] body, string? contentType)
    {
        using var response = await _app.PostAsync("/api/intake", body, contentType);
        return (response.StatusCode, Samples.Json(await response.Content.ReadAsStringAsync()));
    }

    private Task AnswersFor(string medcomMessageId, int count, string code) =>
        MailboxApp.Eventually(
            () => _app.OutboundAnswers().Count(a => a.Summary.AcknowledgedMessageId == medcomMessageId && a.Summary.AcknowledgementCode == code) == count,
            $"{count} answer(s) '{code}' to {medcomMessageId} in the outbound folder");

    [Fact]
    public async Task A_referral_is_stored_acknowledged_and_routed_once()
    {
        var (status, body) = await Post(Samples.Referral, "application/fhir+json");

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("accepted", body.GetProperty("outcome").GetString());
        Assert.Equal("ok", body.GetProperty("acknowledgementCode").GetString());
        var id = body.GetProperty("messageId").GetString();
        await AnswersFor(Samples.ReferralHeaderId, 1, "ok");
        var ackFile = _app.OutboundAnswers().Single(a => a.Summary.Kind == MedComMessageKind.Acknowledgement); // the GP receipt of the referral may be there too
        Assert.Contains("-ack-ok-", ackFile.File, StringComparison.Ordinal);
        Assert.Equal(Samples.GpGln, ackFile.Summary.ReceiverGln);
        Assert.Equal(body.GetProperty("acknowledgementId").GetString(), ackFile.Summary.MessageId);
        await MailboxApp.Eventually(async () => await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM consumed WHERE message_id = @id", new { id }) == 1, "the triage consumer");
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM inbox_items WHERE message_id = @id", new { id }));

        var stored = await _app.QuerySingleAsync<(string Status, string Kind, string? PatientCpr, string? ThreadId, string? MailboxGln, long Size)>(
            "SELECT status, kind, patient_cpr, thread_id, mailbox_gln, size_bytes FROM messages WHERE id = @id", new { id });
        Assert.Equal(("accepted", "CareCommunication", "urn:uuid:6c6e7f7c-3f1f-4cc1-8d20-cb9ecac340af", Samples.CoordinationGln), (stored.Status, stored.Kind, stored.ThreadId, stored.MailboxGln));
        Assert.NotNull(stored.PatientCpr);
        Assert.Equal(Samples.Referral.Length, stored.Size);
        Assert.Equal(Samples.Referral, await _app.QuerySingleAsync<byte[]>("SELECT raw FROM messages WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task A_duplicate_is_answered_again_but_not_stored_or_routed_twice()
    {
        var (first, firstBody) = await Post(Samples.Referral, "application/fhir+json");
        await MailboxApp.Eventually(async () => await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM consumed") == 1, "the first routing");

        var (second, secondBody) = await Post(Samples.Referral, "application/fhir+json");
        // The VANS-wrapped copy of the same message is the same message.
        var (third, _) = await Post(Samples.Read("vans/gp-referral-child.vans.xml"), "application/xml");

        Assert.Equal(HttpStatusCode.Accepted, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal(HttpStatusCode.OK, third);
        Assert.Equal("duplicate", secondBody.GetProperty("outcome").GetString());
        Assert.Equal(firstBody.GetProperty("messageId").GetString(), secondBody.GetProperty("messageId").GetString());
        Assert.NotEqual(firstBody.GetProperty("acknowledgementId").GetString(), secondBody.GetProperty("acknowledgementId").GetString());
        await AnswersFor(Samples.ReferralHeaderId, 3, "ok");
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in'"));
        Assert.Equal(2, await _app.QuerySingleAsync<long>("SELECT duplicate_count FROM messages WHERE direction = 'in'"));
        await Task.Delay(300);
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM inbox_items"));
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'publish'"));
    }

    [Fact]
    public async Task A_reused_bundle_id_with_a_new_header_id_is_rejected_with_a_fatal_error()
    {
        await Post(Samples.Referral, "application/fhir+json");
        var (reuse, header) = Samples.FreshReferral(keepBundleId: true);

        var (status, body) = await Post(reuse, "application/fhir+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("rejected", body.GetProperty("outcome").GetString());
        Assert.Contains(body.GetProperty("issues").EnumerateArray(), i => i.GetProperty("code").GetString() == MedComErrors.BundleIdReused.Code);
        await AnswersFor(header, 1, "fatal-error");
    }

    [Fact]
    public async Task Fhir_xml_and_the_vans_envelope_are_accepted()
    {
        var (xml, _) = await Post(Samples.Read("carecommunication/gp-referral-child.xml"), "application/fhir+xml");
        var (forward, _) = await Post(Samples.Read("carecommunication/forward-from-hospital.json"), null);

        Assert.Equal(HttpStatusCode.Accepted, xml);
        Assert.Equal(HttpStatusCode.Accepted, forward);
    }

    [Fact]
    public async Task An_oioxml_letter_gets_a_positive_receipt_only_when_asked_and_duplicates_are_caught()
    {
        var (asked, askedBody) = await Post(Samples.Read("oioxml/xdis91-letter-from-gp.xml"), "application/xml");
        var (notAsked, _) = await Post(Samples.Read("oioxml/xdis91-letter-minus-positive.xml"), "application/xml");
        var (again, againBody) = await Post(Samples.Read("oioxml/xdis91-letter-from-gp.xml"), "application/xml");
        var (wrapped, _) = await Post(Samples.Read("vans/xdis91-letter-from-gp.vans.xml"), "application/xml");

        Assert.Equal(HttpStatusCode.Accepted, asked);
        Assert.Equal("positive", askedBody.GetProperty("acknowledgementCode").GetString());
        Assert.Equal(HttpStatusCode.Accepted, notAsked);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal("duplicate", againBody.GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.OK, wrapped);
        await MailboxApp.Eventually(() => _app.OutboundAnswers().Count(a => a.File.Contains("receipt-positive", StringComparison.Ordinal)) == 3, "three positive receipts (first, duplicate, wrapped duplicate)");
        Assert.Equal(2, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in'"));
    }

    public static TheoryData<string> InvalidSamples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.Sample("invalid")).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidSamples))]
    public async Task Every_invalid_sample_is_refused_with_its_code_kept_and_answered_where_possible(string file)
    {
        var code = Path.GetFileNameWithoutExtension(file);
        var bytes = Samples.Read($"invalid/{file}");

        var (status, body) = await Post(bytes, null);

        if (code == MedComErrors.BodyEmpty.Code)
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            return;
        }

        Assert.True(status is HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest, $"{file}: HTTP {status}");
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Contains(body.GetProperty("issues").EnumerateArray(), i => i.GetProperty("code").GetString() == code);
        var id = body.GetProperty("messageId").GetString();
        if (id is null)
        {
            // Not even a message (no MedCom content could be read): its head is in the quarantine, nothing is answered.
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Single(Directory.GetFiles(Path.Combine(_app.DataDirectory, "quarantine"), "*.bin"));
            Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages"));
            Assert.Equal(JsonValueKind.Null, body.GetProperty("acknowledgementId").ValueKind);
            return;
        }

        Assert.Equal("rejected", await _app.QuerySingleAsync<string>("SELECT status FROM messages WHERE id = @id", new { id }));
        Assert.Contains(code, await _app.QuerySingleAsync<string>("SELECT error_codes FROM messages WHERE id = @id", new { id }), StringComparison.Ordinal);

        // Whoever can be identified gets a negative answer: a FHIR fatal-error or an OIOXML negative receipt.
        if (body.GetProperty("acknowledgementId").GetString() is { } ackId)
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
            await MailboxApp.Eventually(() => _app.OutboundAnswers().Any(a => a.Summary.MessageId == ackId), $"the negative answer to {file}");
            var answer = _app.OutboundAnswers().Single(a => a.Summary.MessageId == ackId).Summary;
            Assert.Contains(answer.AcknowledgementCode, new[] { "fatal-error", "negative" });
        }

        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE type LIKE '%MedComMessageReceived'"));
    }

    [Fact]
    public async Task A_message_for_another_receiver_is_refused_answered_and_kept_for_inspection()
    {
        var (status, body) = await Post(Samples.Read("invalid/receiver-unknown.json"), "application/fhir+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("fatal-error", body.GetProperty("acknowledgementCode").GetString());
        var ackId = body.GetProperty("acknowledgementId").GetString();
        await MailboxApp.Eventually(() => _app.OutboundAnswers().Any(a => a.Summary.MessageId == ackId), "the fatal-error acknowledgement");
        var answer = _app.OutboundAnswers().Single(a => a.Summary.MessageId == ackId);
        Assert.Equal(Samples.GpGln, answer.Summary.ReceiverGln);
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE status = 'rejected' AND error_codes = 'receiver-unknown'"));
    }

    [Fact]
    public async Task Malformed_empty_wrong_type_and_xxe_bodies_get_clear_client_errors()
    {
        var (malformed, malformedBody) = await Post("{\"resourceType\": \"Bundle\", "u8.ToArray(), "application/fhir+json");
        var (empty, _) = await Post([], "application/fhir+json");
        var (wrongType, wrongTypeBody) = await Post("hello"u8.ToArray(), "text/plain");
        const string Xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE Emessage [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <Emessage xmlns="http://rep.oio.dk/medcom.dk/xml/schemas/2006/07/01/"><Envelope><Identifier>&xxe;</Identifier></Envelope></Emessage>
            """;
        var (xxe, xxeBody) = await Post(Encoding.UTF8.GetBytes(Xxe), "application/xml");

        Assert.Equal(HttpStatusCode.BadRequest, malformed);
        Assert.Equal("Message unreadable", malformedBody.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType);
        Assert.Equal("Unsupported content type", wrongTypeBody.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, xxe);
        Assert.Contains(xxeBody.GetProperty("issues").EnumerateArray(), i => i.GetProperty("code").GetString() == MedComErrors.XmlDtdForbidden.Code);
        Assert.DoesNotContain("root:", xxeBody.ToString(), StringComparison.Ordinal);
        // Unreadable bodies are not messages: their heads go to the size-capped quarantine, not the message store; no one can be answered.
        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages"));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_app.DataDirectory, "quarantine"), "*.bin").Length);
        await Task.Delay(300);
        Assert.Empty(_app.OutboundAnswers());
    }

    [Fact]
    public async Task Stored_messages_can_be_looked_up_without_patient_data()
    {
        var (_, body) = await Post(Samples.Referral, "application/fhir+json");
        var id = body.GetProperty("messageId").GetString();

        using var client = _app.CreateClient();
        var text = await client.GetStringAsync($"/api/messages/{id}");
        var missing = await client.GetAsync($"/api/messages/{Guid.NewGuid()}");

        Assert.Contains("\"status\":\"accepted\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1201149996", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}

/// <summary>A body over Mailbox:MaxMessageBytes is refused before it is read to the end.</summary>
public sealed class OversizedIntakeTests
{
    [Fact]
    public async Task A_body_over_the_limit_gets_413_and_is_not_stored()
    {
        using var app = new MailboxApp(new Dictionary<string, string?> { ["Mailbox:MaxMessageBytes"] = "4096" });
        var (big, _) = Samples.FreshReferral();
        Assert.True(big.Length > 4096);

        using var response = await app.PostAsync("/api/intake", big, "application/fhir+json");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages"));
    }
}
