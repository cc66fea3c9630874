using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MedComMailbox.Infrastructure.DigitalPost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MedComMailbox.Infrastructure.Tests.DigitalPost;

public sealed partial class DigitalPostClientTests : IDisposable
{
    private const string Kombi = "/service/KombiPostAfsend_1/kombi";
    private readonly DigitalPostFake _fake = new(tokenLifetimeSeconds: 3600);
    private ServiceProvider? _provider;

    public void Dispose()
    {
        _provider?.Dispose();
        _fake.Dispose();
    }

    private DigitalPostClient Client(TimeProvider? clock = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DigitalPost:ServiceBaseUrl"] = _fake.BaseUrl.ToString(),
            ["DigitalPost:TokenServiceBaseUrl"] = _fake.BaseUrl.ToString(),
            ["DigitalPost:Cvr"] = "29189129",
            ["DigitalPost:SenderLabel"] = "Sundby Kommune",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config);
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddDigitalPost(o =>
        {
            o.Retry.Delay = TimeSpan.FromMilliseconds(20);
            o.Retry.MaxRetryAttempts = 4;
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(1);
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(2);
        });
        _provider = services.BuildServiceProvider();
        return _provider.GetRequiredService<DigitalPostClient>();
    }

    private static MemoLetter Letter() => new(
        Guid.NewGuid(), "Anmodning om samtykke", "29189129", "Sundby Kommune", "0101011234",
        new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
        [new MemoFile("samtykke.txt", "text/plain", Encoding.UTF8.GetBytes("Kære forælder"))],
        [new MemoAction("Giv samtykke", "SELVBETJENING", new Uri("https://mailbox.sundby.dk/samtykke/abc"))],
        AboutCpr: "2311114123");

    [Fact]
    public async Task Sends_a_letter_with_token_and_transaction_headers()
    {
        var client = Client();

        var result = await client.SendAsync(Letter(), KombiChoice.DigitalPost, CancellationToken.None);

        Assert.True(result.Accepted);
        Assert.NotNull(result.TransmissionId);
        var send = _fake.Server.LogEntries.Single(e => e.RequestMessage.Path == "/service/KombiPostAfsend_1/kombi").RequestMessage;
        Assert.StartsWith("Holder-of-key ", send.Headers!["Authorization"].Single());
        Assert.True(Guid.TryParse(send.Headers["x-TransaktionsId"].Single(), out _));
        Assert.EndsWith("Z", send.Headers["x-TransaktionsTid"].Single());
        var body = XDocument.Parse(send.Body!);
        Assert.Equal("Digital Post", body.Root!.Element("KombiValgKode")!.Value);
        var form = _fake.Server.LogEntries.Single(e => e.RequestMessage.Path == "/service/AccessTokenService_1/token").RequestMessage.Body!;
        Assert.StartsWith("saml-token=", form);
    }

    [Fact]
    public async Task Token_is_reused_across_letters()
    {
        var client = Client();

        await client.SendAsync(Letter(), KombiChoice.DigitalPost, CancellationToken.None);
        await client.SendAsync(Letter(), KombiChoice.DigitalPost, CancellationToken.None);

        Assert.Equal(1, _fake.Requests("/service/AccessTokenService_1/token"));
        Assert.Equal(2, _fake.Accepted.Count);
    }

    [Fact]
    public async Task A_burst_of_5xx_is_retried_and_the_letter_is_delivered_once_under_one_uuid()
    {
        _fake.Server.Given(Request.Create().WithPath(Kombi).UsingPost()).InScenario("burst").WillSetStateTo("one").AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(503));
        _fake.Server.Given(Request.Create().WithPath(Kombi).UsingPost()).InScenario("burst").WhenStateIs("one").WillSetStateTo("two").AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(503));
        var client = Client();
        var letter = Letter();

        var result = await client.SendAsync(letter, KombiChoice.DigitalPost, CancellationToken.None);

        Assert.True(result.Accepted);
        Assert.Equal([503, 503, 200], _fake.Server.LogEntries.Where(e => e.RequestMessage.Path == Kombi).Select(e => Convert.ToInt32(e.ResponseMessage.StatusCode, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([letter.MessageUuid.ToString(), letter.MessageUuid.ToString(), letter.MessageUuid.ToString()], SentUuids());
        var (uuid, count) = Assert.Single(_fake.Accepted);
        Assert.Equal(letter.MessageUuid.ToString(), uuid);
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task A_timeout_is_retried_with_the_same_uuid()
    {
        _fake.Server.Given(Request.Create().WithPath(Kombi).UsingPost()).InScenario("slow").WillSetStateTo("fast").AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(3)));
        var client = Client();
        var letter = Letter();

        var result = await client.SendAsync(letter, KombiChoice.DigitalPost, CancellationToken.None);

        Assert.True(result.Accepted);
        Assert.Equal(letter.MessageUuid.ToString(), Assert.Single(_fake.Accepted).Key);

        // WireMock logs the slow attempt once its delayed answer is written.
        for (var i = 0; i < 50 && _fake.Requests(Kombi) < 2; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal([letter.MessageUuid.ToString(), letter.MessageUuid.ToString()], SentUuids());
    }

    [Fact]
    public async Task A_token_past_its_lifetime_on_the_clock_is_renewed()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        var client = Client(clock);

        await client.SendAsync(Letter(), KombiChoice.DigitalPost, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(54)); // 6 minutes left: more than the 5-minute renewal margin
        await client.SendAsync(Letter(), KombiChoice.DigitalPost, CancellationToken.None);
        Assert.Equal(1, _fake.Requests("/service/AccessTokenService_1/token"));

        clock.Advance(TimeSpan.FromMinutes(2)); // inside the renewal margin
        await client.SendAsync(Letter(), KombiChoice.DigitalPost, CancellationToken.None);

        Assert.Equal(2, _fake.Requests("/service/AccessTokenService_1/token"));
        Assert.Equal(2, _fake.Requests("/runtime/api/rest/wstrust/v1/issue"));
        var tokens = _fake.Server.LogEntries.Where(e => e.RequestMessage.Path == Kombi).Select(e => e.RequestMessage.Headers!["Authorization"].Single()).ToList();
        Assert.Equal(tokens[0], tokens[1]);
        Assert.NotEqual(tokens[1], tokens[2]);
        Assert.Equal("2026-11-23T09:56:00Z", _fake.Server.LogEntries.Last(e => e.RequestMessage.Path == Kombi).RequestMessage.Headers!["x-TransaktionsTid"].Single());
    }

    [Fact]
    public async Task An_expired_token_answered_with_401_is_renewed_once()
    {
        _fake.Server.Given(Request.Create().WithPath("/service/KombiPostAfsend_1/kombi").UsingPost()).InScenario("expired").WillSetStateTo("renewed").AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401));
        var client = Client();

        var result = await client.SendAsync(Letter(), KombiChoice.DigitalPost, CancellationToken.None);

        Assert.True(result.Accepted);
        Assert.Equal(2, _fake.Requests("/service/AccessTokenService_1/token"));
        var tokens = _fake.Server.LogEntries.Where(e => e.RequestMessage.Path == Kombi).Select(e => e.RequestMessage.Headers!["Authorization"].Single()).ToList();
        Assert.Equal(2, tokens.Count);
        Assert.NotEqual(tokens[0], tokens[1]);
    }

    [Fact]
    public async Task A_second_401_is_not_renewed_again()
    {
        _fake.Server.Given(Request.Create().WithPath(Kombi).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401));
        var client = Client();

        var e = await Assert.ThrowsAsync<DigitalPostException>(() => client.SendAsync(Letter(), KombiChoice.DigitalPost, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, e.Status);
        Assert.Equal(2, _fake.Requests("/service/AccessTokenService_1/token"));
        Assert.Equal(2, _fake.Requests(Kombi));
    }

    [Fact]
    public async Task A_lasting_failure_surfaces_as_an_exception_without_personal_data()
    {
        _fake.Server.Given(Request.Create().WithPath("/service/KombiPostAfsend_1/kombi").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("<fault>0101011234</fault>"));
        var client = Client();

        var ex = await Assert.ThrowsAsync<DigitalPostException>(() => client.SendAsync(Letter(), KombiChoice.DigitalPost, CancellationToken.None));

        Assert.DoesNotContain("0101011234", ex.Message);
        Assert.Equal(1, _fake.Requests("/service/KombiPostAfsend_1/kombi"));
    }

    [Theory]
    [InlineData("0101011234", true)]
    [InlineData("0202021234", false)]
    public async Task Registration_check_answers_false_for_unknown(string cpr, bool expected) =>
        Assert.Equal(expected, await Client().IsRegisteredAsync(cpr, CancellationToken.None));

    private List<string> SentUuids() =>
        _fake.Server.LogEntries.Where(e => e.RequestMessage.Path == Kombi).Select(e => MessageUuid().Match(e.RequestMessage.Body!).Groups[1].Value).ToList();

    [GeneratedRegex("<memo:messageUUID>([^<]+)</memo:messageUUID>")]
    private static partial Regex MessageUuid();
}
