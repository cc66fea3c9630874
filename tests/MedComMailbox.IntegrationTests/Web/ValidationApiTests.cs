using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.IntegrationTests.Support;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>The web host on its default configuration: it starts, reports health, and gives the receiver's verdict.</summary>
public sealed class ValidationApiTests(MailboxApp.Shared factory) : IClassFixture<MailboxApp.Shared>
{
    private static byte[] Referral(string receiverGln) => System.Text.Encoding.UTF8.GetBytes(FhirCodec.ToJson(CareCommunicationBuilder.New(
        new NewCareCommunicationDraft(receiverGln, "1234561000016001", "Koordinationsudvalget", "0101141234", "Ida", "Eksempel", "regarding-referral", null, "routine",
            new SegmentDraft("Henvisning.", new SegmentAuthor("Lars", "Læge", "speciallaegeipraksis", null, "70202020"))),
        new MailboxIdentity("5790000882007", "2345671000016005", "Lægerne i Eksempelby"), DateTimeOffset.UtcNow)));

    private async Task<JsonElement> Validate(byte[] body, string contentType)
    {
        using var client = factory.CreateClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await client.PostAsync("/api/validate", content);
        var verdict = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.Equal(verdict.GetProperty("valid").GetBoolean() ? HttpStatusCode.OK : HttpStatusCode.UnprocessableEntity, response.StatusCode);
        return verdict;
    }

    [Fact]
    public async Task Liveness_and_readiness_answer()
    {
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_referral_to_a_configured_mailbox_is_valid()
    {
        var verdict = await Validate(Referral("5790000991006"), "application/fhir+json");

        Assert.True(verdict.GetProperty("valid").GetBoolean(), verdict.ToString());
        Assert.Equal("CareCommunication", verdict.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_referral_to_another_location_number_is_refused_with_receiver_unknown()
    {
        var verdict = await Validate(Referral("5790001348120"), "application/fhir+json");

        Assert.False(verdict.GetProperty("valid").GetBoolean());
        Assert.Contains(verdict.GetProperty("issues").EnumerateArray(), i => i.GetProperty("code").GetString() == "receiver-unknown");
    }

    [Fact]
    public async Task The_verdict_never_echoes_the_cpr_number()
    {
        var body = Referral("5790001348120");

        var verdict = await Validate(body, "application/fhir+json");

        Assert.DoesNotContain("0101141234", verdict.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Xxe_is_refused_not_expanded()
    {
        var body = "<?xml version=\"1.0\"?><!DOCTYPE b [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"&x;\"/></Bundle>"u8.ToArray();

        var verdict = await Validate(body, "application/fhir+xml");

        Assert.False(verdict.GetProperty("valid").GetBoolean());
        Assert.Equal("xml-dtd-forbidden", verdict.GetProperty("issues")[0].GetProperty("code").GetString());
        Assert.DoesNotContain("root:", verdict.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Mailbox:MaxMessageBytes", "2048"));
        using var client = small.CreateClient();

        using var response = await client.PostAsync("/api/validate", new ByteArrayContent(new byte[4096]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public void A_wrong_check_digit_stops_the_start_with_a_sentence_saying_where()
    {
        using var bad = factory.WithWebHostBuilder(b => b.UseSetting("Mailbox:Mailboxes:0:Gln", "5790000991007"));

        var error = Assert.ThrowsAny<Exception>(() => bad.CreateClient());

        Assert.Contains("Mailbox:Mailboxes:0:Gln '5790000991007' is not a location number", error.ToString(), StringComparison.Ordinal);
    }
}
