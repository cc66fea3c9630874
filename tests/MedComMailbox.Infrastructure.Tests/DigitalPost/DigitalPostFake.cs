using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MedComMailbox.Infrastructure.Tests.DigitalPost;

/// <summary>
/// A faithful stand-in for Serviceplatformen SF1601 over real HTTP: the STS issue endpoint, the access-token service,
/// KombiPostAfsend and PostForespoerg, with the paths, headers and payload shapes of ../shared/integrations.md.
/// It records every letter by messageUUID so tests can prove a retry never delivers twice.
/// </summary>
internal sealed partial class DigitalPostFake : IDisposable
{
    public WireMockServer Server { get; } = WireMockServer.Start();

    public Uri BaseUrl => new(Server.Url! + "/");

    public DigitalPostFake(int tokenLifetimeSeconds = 3600)
    {
        Server.Given(Request.Create().WithPath("/runtime/api/rest/wstrust/v1/issue").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("{\"RequestedSecurityToken\":{\"Assertion\":\"UEhOaGJXdzZRWE56WlhKMGFXOXVQZz09\"},\"Lifetime\":{\"Expires\":\"2030-01-01T00:00:00Z\"}}"));
        Server.Given(Request.Create().WithPath("/service/AccessTokenService_1/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(_ => $"{{\"access_token\":\"{Guid.NewGuid()}\",\"token_type\":\"Holder-of-key\",\"expires_in\":{tokenLifetimeSeconds}}}"));
        Server.Given(Request.Create().WithPath("/service/PostForespoerg_1/digitalpost").UsingGet().WithParam("cprNumber", "0101011234"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"result\": true}"));
        Server.Given(Request.Create().WithPath("/service/PostForespoerg_1/digitalpost").UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"result\": false}"));
        AcceptLetters();
    }

    /// <summary>Answers KombiPostAfsend as the real service does, counting each messageUUID it accepts.</summary>
    public void AcceptLetters(int priority = 5) =>
        Server.Given(Request.Create().WithPath("/service/KombiPostAfsend_1/kombi").UsingPost().WithHeader("Authorization", "Holder-of-key *"))
            .AtPriority(priority)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/xml")
                .WithBody(request =>
                {
                    var uuid = MessageUuid().Match(request.Body ?? "").Groups[1].Value;
                    Accepted.AddOrUpdate(uuid, 1, (_, n) => n + 1);
                    return $"<kombi_response><Result>true</Result><TransmissionID>{Guid.NewGuid()}</TransmissionID><AdvisTekst>Received</AdvisTekst></kombi_response>";
                }));

    /// <summary>How often each messageUUID reached the service (a real service would deliver each once).</summary>
    public ConcurrentDictionary<string, int> Accepted { get; } = new();

    public int Requests(string path) => Server.LogEntries.Count(e => e.RequestMessage.Path == path);

    public void Dispose() => Server.Stop();

    [GeneratedRegex("<memo:messageUUID>([^<]+)</memo:messageUUID>")]
    private static partial Regex MessageUuid();
}
