using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Resilience;
using MedComMailbox.Web.Features.DigitalPost;
using Microsoft.Data.Sqlite;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MedComMailbox.IntegrationTests.Production;

/// <summary>
/// The built web and worker hosts started as processes in Production: with the example municipality's file alone they
/// refuse to start (exit 78, one sentence per missing setting, no stack trace); with a complete configuration (WireMock
/// standing in for SF1520, SF1601 and the identity providers) they start, and the development routes do not exist.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class ProductionStartTests : IDisposable
{
    private const string ApiKey = "vans-provider-key-0123456789";
    private const string StatusSecret = "status-callback-secret-0123456789";
    private readonly TempDirectory _data = new("production");

    public void Dispose() => _data.Dispose();

    private static string ExampleFile => Path.Combine(TestPaths.Root, "docs", "examples", "eksempelkommune.settings.json");

    private MailboxProcess Start(string dll, IReadOnlyDictionary<string, string> settings, string log, params string[] arguments)
    {
        var environment = new Dictionary<string, string>(settings, StringComparer.Ordinal)
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Mailbox__DataDirectory"] = _data.Path,
        };
        return MailboxProcess.Start(dll, Path.GetDirectoryName(dll)!, arguments, environment, Path.Combine(_data.Path, log));
    }

    [Theory]
    [InlineData("MedComMailbox.Web")]
    [InlineData("MedComMailbox.Worker")]
    public async Task The_example_municipality_file_alone_is_refused_with_one_sentence_per_missing_setting(string host)
    {
        var dll = host == "MedComMailbox.Web" ? TestPaths.WebDll : TestPaths.WorkerDll;
        using var process = Start(dll, new Dictionary<string, string>
        {
            [MailboxSettingsFile.Variable] = ExampleFile,
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        }, host + ".log");

        var exit = await process.ExitCodeAsync(TimeSpan.FromSeconds(90));
        var log = File.ReadAllText(process.LogFile);

        Assert.True(exit == ProductionChecklist.ExitCode, $"exit {exit}: {log}");
        Assert.Contains($"{host} did not start: fix these settings", log, StringComparison.Ordinal);
        // The example names every service but leaves the secrets to the environment: exactly these items are missing.
        string[] missing =
        [
            "CprLookup:CertificatePath must name the municipality's PKCS#12 certificate for SF1520.",
            "DigitalPost:CertificatePath must name the municipality's PKCS#12 certificate for SF1601.",
            "POST /api/intake needs authentication: list each VANS provider under Intake:ApiKeys or Intake:ClientCertificates.",
            "POST /api/digitalpost/status needs authentication: set DigitalPost:StatusCallback:Secret (HMAC-SHA256) or DigitalPost:StatusCallback:CertificateThumbprints.",
            "DataProtection:KeysFolder must name a persistent folder, so sign-ins and forms survive a restart.",
        ];
        var sentences = log.Split('\n').Where(l => l.StartsWith("  - ", StringComparison.Ordinal)).Select(l => l[4..].TrimEnd('\r')).ToList();
        Assert.Equal(missing, sentences);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_any_settings_the_web_process_names_every_development_stand_in()
    {
        using var process = Start(TestPaths.WebDll, new Dictionary<string, string> { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" }, "bare.log");

        var exit = await process.ExitCodeAsync(TimeSpan.FromSeconds(90));
        var log = File.ReadAllText(process.LogFile);

        Assert.True(exit == ProductionChecklist.ExitCode, $"exit {exit}: {log}");
        foreach (var item in ProductionChecklist.Items.Where(i => i.Setting is not ("Auth:Citizen:CprClaim" or "Benchmark:Enabled" or "Workflow:Email:Host")))
        {
            Assert.Contains("  - " + item.Sentence, log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_a_complete_configuration_it_starts_the_development_routes_are_gone_and_every_way_in_is_authenticated()
    {
        using var fakes = WireMockServer.Start();
        var issuer = fakes.Url!;
        ServeOpenIdConnect(fakes, issuer);
        var port = Poll.FreePort();
        var address = new Uri($"http://127.0.0.1:{port}/");
        var keys = Path.Combine(_data.Path, "keys");
        var settings = new Dictionary<string, string>
        {
            ["Auth__Staff__Authority"] = issuer,
            ["Auth__Staff__ClientId"] = "medcommailbox",
            ["Auth__Citizen__Authority"] = issuer,
            ["Auth__Citizen__ClientId"] = "medcommailbox-borger",
            ["CprLookup__Mode"] = "Serviceplatformen",
            ["CprLookup__ServiceUrl"] = issuer + "/service/CPR/PersonBaseDataExtended/5",
            ["CprLookup__Cvr"] = "29189129",
            ["CprLookup__CertificatePath"] = Certificate("sf1520.p12"),
            ["CprLookup__CertificatePassword"] = "test",
            ["DigitalPost__Mode"] = "Serviceplatformen",
            ["DigitalPost__ServiceBaseUrl"] = issuer + "/",
            ["DigitalPost__TokenServiceBaseUrl"] = issuer + "/",
            ["DigitalPost__Cvr"] = "29189129",
            ["DigitalPost__SenderLabel"] = "Eksempel Kommune",
            ["DigitalPost__CertificatePath"] = Certificate("sf1601.p12"),
            ["DigitalPost__CertificatePassword"] = "test",
            ["DigitalPost__StatusCallback__Secret"] = StatusSecret,
            ["Workflow__PublicBaseUrl"] = "https://medcom.eksempel.test/",
            ["Workflow__Contact__Phone"] = "70112233",
            ["Workflow__Contact__Email"] = "udvalget@eksempel.test",
            ["Intake__ApiKeys__0__Provider"] = "vans-test",
            ["Intake__ApiKeys__0__Key"] = ApiKey,
            ["DataProtection__KeysFolder"] = keys,
            ["Vans__PollInterval"] = "00:00:00.100",
        };
        using var process = Start(TestPaths.WebDll, settings, "web.log", "--urls", address.GetLeftPart(UriPartial.Authority));
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        await WaitLiveAsync(http, process);

        // The development stand-ins do not exist.
        foreach (var path in new[] { "/log-ind", "/borger/log-ind", "/udvikling/digital-post", $"/udvikling/digital-post/{Guid.NewGuid()}" })
        {
            using var page = await http.GetAsync(path);
            Assert.True(page.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)page.StatusCode}");
        }

        using (var benchmark = await http.PostAsync("/api/benchmark/noop", new ByteArrayContent([1])))
        {
            Assert.Equal(HttpStatusCode.NotFound, benchmark.StatusCode);
        }

        // The intake: anonymous gets 401 with a problem document and nothing is stored; the provider's key is let in.
        using (var anonymous = await http.PostAsync("/api/intake", Body(Samples.Referral)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await anonymous.Content.ReadAsStringAsync());
            Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        }

        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM messages"));
        using (var wrongKey = await Send(http, "/api/intake", Samples.Referral, "not-the-key"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        }

        string messageId;
        using (var accepted = await Send(http, "/api/intake", Samples.Referral, ApiKey))
        {
            var text = await accepted.Content.ReadAsStringAsync();
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, text);
            messageId = JsonDocument.Parse(text).RootElement.GetProperty("messageId").GetString()!;
        }

        // Validation and the message status: a provider (or staff) identity, not anonymous.
        using (var validateAnonymous = await http.PostAsync("/api/validate", Body(Samples.Referral)))
        using (var validate = await Send(http, "/api/validate", Samples.Referral, ApiKey))
        using (var showAnonymous = await http.GetAsync($"/api/messages/{messageId}"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, validateAnonymous.StatusCode);
            Assert.Equal(HttpStatusCode.OK, validate.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, showAnonymous.StatusCode);
        }

        using (var show = new HttpRequestMessage(HttpMethod.Get, $"/api/messages/{messageId}"))
        {
            show.Headers.Add("X-Api-Key", ApiKey);
            using var shown = await http.SendAsync(show);
            Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        }

        // A forged Digital Post status changes nothing; a signed one is taken.
        var status = Encoding.UTF8.GetBytes(StatusDocument(Guid.NewGuid()));
        using (var forged = await http.PostAsync("/api/digitalpost/status", Body(status, "application/xml")))
        using (var wrongSignature = await Signed(http, status, "wrong-secret"))
        using (var signed = await Signed(http, status, StatusSecret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, wrongSignature.StatusCode);
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        }

        // Health: statuses for anonymous callers, no descriptions (they can name hosts and endpoints).
        using (var ready = await http.GetAsync("/health/external"))
        {
            var text = await ready.Content.ReadAsStringAsync();
            Assert.DoesNotContain("description", text, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
            Assert.Contains("\"status\"", text, StringComparison.Ordinal);
        }

        // Behind a TLS-terminating proxy (loopback is trusted): the staff sign-in goes to the identity provider with an
        // https callback, HSTS is sent, and the Data Protection key is written to the configured folder.
        using (var start = new HttpRequestMessage(HttpMethod.Get, "/start"))
        {
            start.Headers.Add("X-Forwarded-Proto", "https");
            start.Headers.Host = "medcom.eksempel.test"; // HSTS is never sent for localhost addresses
            using var challenge = await http.SendAsync(start);
            Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
            var location = challenge.Headers.Location!.ToString();
            Assert.StartsWith(issuer + "/authorize", location, StringComparison.Ordinal);
            Assert.Contains("redirect_uri=https%3A%2F%2F", location, StringComparison.Ordinal);
            Assert.True(challenge.Headers.Contains("Strict-Transport-Security"), "HSTS on an https request outside Development");
            AssertSecurityHeaders(challenge);
        }

        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
    }

    internal static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        var csp = string.Join(";", response.Headers.TryGetValues("Content-Security-Policy", out var values) ? values : []);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "mailbox.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static ByteArrayContent Body(byte[] body, string contentType = "application/fhir+json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, string path, byte[] body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Body(body) };
        request.Headers.Add("X-Api-Key", key);
        return await http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> Signed(HttpClient http, byte[] body, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/digitalpost/status") { Content = Body(body, "application/xml") };
        request.Headers.Add(StatusCallbackOptions.SignatureHeader, "sha256=" + Convert.ToHexStringLower(StatusCallbackOptions.Sign(secret, body)));
        return await http.SendAsync(request);
    }

    /// <summary>A Beskedfordeler callback with a "Fejlet" status: what a forger would send to flag a case.</summary>
    private static string StatusDocument(Guid letter) =>
        "<ModtagBeskedInput><Besked><BeskedIndhold><Data>" +
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"<PKO_PostStatus><MessageUUID>{letter}</MessageUUID><TransaktionsStatusKode>Fejlet</TransaktionsStatusKode></PKO_PostStatus>")) +
        "</Data></BeskedIndhold></Besked></ModtagBeskedInput>";

    private static async Task WaitLiveAsync(HttpClient http, MailboxProcess process)
    {
        var until = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail("The web process exited: " + process.LogTail());
            }

            try
            {
                using var live = await http.GetAsync("/health/live");
                if (live.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > until)
            {
                Assert.Fail("The web process did not answer /health/live: " + process.LogTail());
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The fake identity provider: discovery and an (empty) key set are all the handler needs to send a sign-in there.</summary>
    private static void ServeOpenIdConnect(WireMockServer server, string issuer)
    {
        var discovery = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = issuer + "/authorize",
            ["token_endpoint"] = issuer + "/token",
            ["userinfo_endpoint"] = issuer + "/userinfo",
            ["end_session_endpoint"] = issuer + "/logout",
            ["jwks_uri"] = issuer + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        });
        server.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(discovery));
        server.Given(Request.Create().WithPath("/jwks").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"keys\":[]}"));
    }

    private string Certificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Eksempel Kommune - MedComMailbox", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        var path = Path.Combine(_data.Path, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, "test"));
        return path;
    }
}
