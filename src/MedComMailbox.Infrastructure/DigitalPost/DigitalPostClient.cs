using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using System.Xml.Linq;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.DigitalPost;

/// <summary>The synchronous answer of KombiPostAfsend: accepted, not yet delivered (delivery status arrives later).</summary>
public sealed record KombiResult(bool Accepted, string? TransmissionId);

/// <summary>
/// SF1601 client: the two-step token flow (SAML token from the STS, then a holder-of-key access token), sending
/// a MeMo letter through KombiPostAfsend, and the Digital Post registration check. Retries (the resilience
/// pipeline around this client) are safe because a letter keeps its messageUUID: Digital Post treats a repeat as the same letter.
/// </summary>
public sealed class DigitalPostClient(HttpClient http, DigitalPostTokenCache tokens, IOptions<DigitalPostOptions> options, TimeProvider clock)
{
    private readonly DigitalPostOptions _options = options.Value;

    public async Task<KombiResult> SendAsync(MemoLetter letter, KombiChoice choice, CancellationToken cancellationToken)
    {
        var body = MemoSerializer.KombiRequest(letter, choice);
        using var response = await SendWithTokenAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.ServiceBaseUrl!, "service/KombiPostAfsend_1/kombi"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/xml"),
            };
            return request;
        }, cancellationToken);

        await EnsureSuccess(response, "KombiPostAfsend", cancellationToken);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var result = xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "Result")?.Value;
        var transmission = xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "TransmissionID")?.Value;
        return new KombiResult(string.Equals(result, "true", StringComparison.OrdinalIgnoreCase), transmission);
    }

    /// <summary>Whether the citizen has a Digital Post mailbox. An unknown number answers false, not an error.</summary>
    public async Task<bool> IsRegisteredAsync(string cpr, CancellationToken cancellationToken)
    {
        using var response = await SendWithTokenAsync(
            () => new HttpRequestMessage(HttpMethod.Get, new Uri(_options.ServiceBaseUrl!, $"service/PostForespoerg_1/digitalpost?cprNumber={Uri.EscapeDataString(cpr)}")),
            cancellationToken);
        await EnsureSuccess(response, "PostForespoerg", cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<RegistrationAnswer>(cancellationToken);
        return answer?.Result ?? false;
    }

    /// <summary>Sends with the current access token; on 401 the token is renewed once (it may have been revoked or expired early).</summary>
    private async Task<HttpResponseMessage> SendWithTokenAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var token = await tokens.GetAsync(cancellationToken);
            using var request = create();
            request.Headers.TryAddWithoutValidation("Authorization", $"Holder-of-key {token}");
            request.Headers.Add("x-TransaktionsId", Guid.NewGuid().ToString());
            request.Headers.Add("x-TransaktionsTid", clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                response.Dispose();
                tokens.Invalidate(token);
                continue;
            }

            return response;
        }
    }

    private static async Task EnsureSuccess(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            // The body may echo the letter; only the status goes into the exception (and so into logs).
            _ = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new DigitalPostException($"{operation} answered HTTP {(int)response.StatusCode}.", response.StatusCode);
        }
    }

    private sealed record RegistrationAnswer([property: JsonPropertyName("result")] bool Result);
}

public sealed class DigitalPostException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}
