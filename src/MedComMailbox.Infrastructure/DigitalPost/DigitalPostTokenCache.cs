using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.DigitalPost;

/// <summary>
/// Holds the SF1601 access token and renews it before it expires: SAML token from the STS
/// (<c>wstrust/v1/issue</c>), exchanged for a holder-of-key access token (<c>AccessTokenService_1/token</c>).
/// One per process; renewals are serialised so a burst of letters asks for one token, not one each.
/// </summary>
public sealed class DigitalPostTokenCache(IHttpClientFactory httpFactory, IOptions<DigitalPostOptions> options, TimeProvider clock) : IDisposable
{
    public const string HttpClientName = "DigitalPost.Token";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _expires;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (_token is { } current && clock.GetUtcNow() < _expires - o.TokenRenewalMargin)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } again && clock.GetUtcNow() < _expires - o.TokenRenewalMargin)
            {
                return again;
            }

            var http = httpFactory.CreateClient(HttpClientName);
            var saml = await IssueSamlAsync(http, o, cancellationToken);
            using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("saml-token", saml)]);
            using var response = await http.PostAsync(new Uri(o.ServiceBaseUrl!, "service/AccessTokenService_1/token"), form, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new DigitalPostException($"AccessTokenService answered HTTP {(int)response.StatusCode}.", response.StatusCode);
            }

            var token = await response.Content.ReadFromJsonAsync<AccessTokenAnswer>(cancellationToken)
                ?? throw new DigitalPostException("AccessTokenService answered without a token.");
            _token = token.AccessToken;
            _expires = clock.GetUtcNow().AddSeconds(token.ExpiresIn);
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets a token the service refused, so the next call fetches a new one.</summary>
    public void Invalidate(string token)
    {
        if (_token == token)
        {
            _token = null;
        }
    }

    public void Dispose() => _gate.Dispose();

    private static async Task<string> IssueSamlAsync(HttpClient http, DigitalPostOptions o, CancellationToken cancellationToken)
    {
        var request = new
        {
            TokenType = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0",
            RequestType = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue",
            KeyType = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey",
            AnvenderKontekst = new { Cvr = o.Cvr },
            UseKey = "client-certificate",
            AppliesTo = new { EndpointReference = new { Address = o.EntityId } },
        };
        using var response = await http.PostAsJsonAsync(new Uri(o.TokenServiceBaseUrl!, "runtime/api/rest/wstrust/v1/issue"), request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new DigitalPostException($"The security token service answered HTTP {(int)response.StatusCode}.", response.StatusCode);
        }

        var answer = await response.Content.ReadFromJsonAsync<SamlAnswer>(cancellationToken);
        return answer?.RequestedSecurityToken?.Assertion ?? throw new DigitalPostException("The security token service answered without an assertion.");
    }

    private sealed record AccessTokenAnswer(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    // Lifetime is read loosely: STS versions answer it as a string or as an object with Created/Expires.
    private sealed record SamlAnswer(RequestedToken? RequestedSecurityToken, System.Text.Json.JsonElement? Lifetime);

    private sealed record RequestedToken(string? Assertion);
}
