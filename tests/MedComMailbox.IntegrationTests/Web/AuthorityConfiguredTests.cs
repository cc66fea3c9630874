using System.Net;
using MedComMailbox.IntegrationTests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>
/// With an identity provider configured (staff and citizen), the development sign-ins do not exist at all and the
/// pages send people to the identity provider instead. A local stand-in serves the OpenID Connect discovery document.
/// </summary>
public sealed class AuthorityConfiguredTests : IDisposable
{
    private readonly WireMockServer _idp = WireMockServer.Start();
    private readonly MailboxApp _app;

    public AuthorityConfiguredTests()
    {
        foreach (var tenant in new[] { "staff", "citizen" })
        {
            var issuer = $"{_idp.Url}/{tenant}";
            _idp.Given(Request.Create().WithPath($"/{tenant}/.well-known/openid-configuration").UsingGet())
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody($$"""
                    {
                      "issuer": "{{issuer}}",
                      "authorization_endpoint": "{{issuer}}/authorize",
                      "token_endpoint": "{{issuer}}/token",
                      "userinfo_endpoint": "{{issuer}}/userinfo",
                      "end_session_endpoint": "{{issuer}}/logout",
                      "jwks_uri": "{{issuer}}/jwks",
                      "response_types_supported": ["code"],
                      "subject_types_supported": ["public"],
                      "id_token_signing_alg_values_supported": ["RS256"]
                    }
                    """));
            _idp.Given(Request.Create().WithPath($"/{tenant}/jwks").UsingGet())
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"keys":[]}"""));
        }

        _app = new MailboxApp(new Dictionary<string, string?>
        {
            ["Auth:Staff:Authority"] = $"{_idp.Url}/staff",
            ["Auth:Staff:ClientId"] = "medcom-mailbox",
            ["Auth:Staff:ClientSecret"] = "not-a-secret",
            ["Auth:Citizen:Authority"] = $"{_idp.Url}/citizen",
            ["Auth:Citizen:ClientId"] = "medcom-mailbox-citizen",
            ["Auth:Citizen:ClientSecret"] = "not-a-secret",
        });
    }

    [Fact]
    public async Task The_development_staff_sign_in_is_not_mapped_when_an_authority_is_configured()
    {
        using var client = PageClient.Anonymous(_app);

        using var get = await client.Http.GetAsync("/log-ind");
        using var post = await client.PostWithoutTokenAsync("/log-ind", new() { ["userName"] = "admin" });

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        var patterns = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText?.TrimStart('/')).ToList();
        Assert.DoesNotContain("log-ind", patterns);
        Assert.DoesNotContain("borger/log-ind", patterns);
    }

    [Fact]
    public async Task The_development_citizen_sign_in_is_not_mapped_when_an_authority_is_configured()
    {
        using var client = PageClient.Anonymous(_app);

        using var get = await client.Http.GetAsync("/borger/log-ind?ReturnUrl=%2Fsamtykke%2Fabc");
        using var post = await client.PostWithoutTokenAsync("/borger/log-ind", new() { ["cpr"] = "0101901234" });

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
    }

    [Fact]
    public async Task A_staff_page_sends_an_anonymous_caller_to_the_staff_identity_provider()
    {
        using var client = PageClient.Anonymous(_app);

        using var response = await client.Http.GetAsync("/sager");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith($"{_idp.Url}/staff/authorize?", location, StringComparison.Ordinal);
        Assert.Contains("client_id=medcom-mailbox&", location, StringComparison.Ordinal);
        Assert.Contains("code_challenge=", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_consent_page_sends_an_anonymous_caller_to_the_citizen_identity_provider()
    {
        using var client = PageClient.Anonymous(_app);

        using var response = await client.Http.GetAsync("/samtykke/abc");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith($"{_idp.Url}/citizen/authorize?", location, StringComparison.Ordinal);
        Assert.Contains("client_id=medcom-mailbox-citizen&", location, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _app.Dispose();
        _idp.Stop();
        _idp.Dispose();
    }
}
