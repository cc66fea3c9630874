using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Production;
using MedComMailbox.IntegrationTests.Support;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>The web edge in process: security headers on every response, the provider key, and hostile bodies that cannot amplify.</summary>
public sealed class EdgeTests : IDisposable
{
    private const string Key = "edge-test-provider-key";
    private readonly MailboxApp _app = new(new Dictionary<string, string?>
    {
        ["Intake:ApiKeys:0:Provider"] = "vans-test",
        ["Intake:ApiKeys:0:Key"] = Key,
        ["Mailbox:MaxMessageBytes"] = "200000",
        ["Quarantine:MaxBytesPerBody"] = "1024",
    });

    public void Dispose() => _app.Dispose();

    private async Task<HttpResponseMessage> Intake(HttpContent content, string? key = Key)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/intake") { Content = content };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await client.SendAsync(request);
    }

    private static ByteArrayContent Bytes(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    [Theory]
    [InlineData("/log-ind")]
    [InlineData("/css/site.css")]
    [InlineData("/health/live")]
    [InlineData("/api/messages/00000000-0000-0000-0000-000000000001")]
    [InlineData("/no-such-page")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(path);

        ProductionStartTests.AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task With_provider_keys_configured_an_anonymous_delivery_gets_401_and_nothing_is_stored()
    {
        using var anonymous = await Intake(Bytes(Samples.Referral, "application/fhir+json"), key: null);
        using var unknown = await Intake(Bytes(Samples.Referral, "application/fhir+json"), key: "guessed");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages"));

        using var known = await Intake(Bytes(Samples.Referral, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_gets_413_not_500()
    {
        // No Content-Length: the body is sent chunked and only counted while it is read.
        using var content = new StreamContent(new MemoryStream(new byte[300_000]));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/fhir+json");

        using var response = await Intake(content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages"));
    }

    [Fact]
    public async Task Random_bytes_go_to_the_quarantine_capped_not_to_the_message_store()
    {
        using var response = await Intake(Bytes(RandomNumberGenerator.GetBytes(150_000), "application/octet-stream"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages"));
        var kept = Assert.Single(Directory.GetFiles(Path.Combine(_app.DataDirectory, "quarantine"), "*.bin"));
        Assert.Equal(1024, new FileInfo(kept).Length);
    }
}
