using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MedComMailbox.IntegrationTests.Resilience;
using Microsoft.Data.Sqlite;

namespace MedComMailbox.IntegrationTests.Intake;

/// <summary>
/// Mutual TLS for the VANS provider, as docs/operations describes it: the built web host as a process, Kestrel listening on
/// https with a server certificate from a PKCS#12 file and asking for client certificates
/// (<c>Kestrel:EndpointDefaults:ClientCertificateMode=AllowCertificate</c>), the provider pinned under
/// <c>Intake:ClientCertificates</c> by thumbprint. All certificates are self-signed and made here: the provider's is let in
/// (202), another certificate and no certificate are refused, and nothing of theirs is stored.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class ClientCertificateIntakeTests : IDisposable
{
    private readonly TempDirectory _data = new("mtls");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Only_the_pinned_provider_certificate_delivers_a_message()
    {
        using var server = SelfSigned("CN=127.0.0.1", serverAuth: true);
        using var provider = SelfSigned("CN=VANS-leverandør A/S", serverAuth: false);
        using var stranger = SelfSigned("CN=VANS-leverandør A/S", serverAuth: false); // same name, other key: only the pin tells them apart
        var serverFile = Path.Combine(_data.Path, "server.p12");
        File.WriteAllBytes(serverFile, server.Export(X509ContentType.Pkcs12, "test"));
        var port = Poll.FreePort();
        var address = new Uri($"https://127.0.0.1:{port}/");

        using var process = MailboxProcess.Start(TestPaths.WebDll, Path.GetDirectoryName(TestPaths.WebDll)!, [], new Dictionary<string, string>
        {
            ["Mailbox__DataDirectory"] = _data.Path,
            ["Kestrel__Endpoints__Https__Url"] = address.GetLeftPart(UriPartial.Authority),
            ["Kestrel__Endpoints__Https__Certificate__Path"] = serverFile,
            ["Kestrel__Endpoints__Https__Certificate__Password"] = "test",
            ["Kestrel__EndpointDefaults__ClientCertificateMode"] = "AllowCertificate",
            ["Intake__ClientCertificates__0__Provider"] = "vans-test",
            // Written as an operator copies it from a certificate viewer: colons, lower case.
            ["Intake__ClientCertificates__0__Thumbprint"] = string.Join(':', provider.Thumbprint.ToLowerInvariant().Chunk(2).Select(c => new string(c))),
        }, Path.Combine(_data.Path, "web.log"));

        using var anonymous = Client(address, server, clientCertificate: null);
        using var pinned = Client(address, server, provider);
        using var other = Client(address, server, stranger);
        await WaitLiveAsync(anonymous, process);

        using (var refused = await anonymous.PostAsync("/api/intake", Referral()))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var refused = await other.PostAsync("/api/intake", Referral()))
        {
            Assert.True(refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"another certificate: {(int)refused.StatusCode}");
        }

        Assert.Equal(0, await CountAsync());

        using (var accepted = await pinned.PostAsync("/api/intake", Referral()))
        {
            var text = await accepted.Content.ReadAsStringAsync();
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{(int)accepted.StatusCode}: {text} {process.LogTail(10)}");
        }

        Assert.Equal(1, await CountAsync());
    }

    private static ByteArrayContent Referral()
    {
        var content = new ByteArrayContent(Samples.FreshReferral().Body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/fhir+json");
        return content;
    }

    /// <summary>A client that trusts exactly the test's server certificate and presents <paramref name="clientCertificate"/> when asked.</summary>
    private static HttpClient Client(Uri address, X509Certificate2 server, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == server.Thumbprint,
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            },
        };
        return new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>A self-signed certificate with its private key, loaded back from PKCS#12 so TLS can use the key on any platform.</summary>
    private static X509Certificate2 SelfSigned(string subject, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12, "test"), "test");
    }

    private async Task<long> CountAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "mailbox.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM messages";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitLiveAsync(HttpClient http, MailboxProcess process)
    {
        var ready = await Poll.UntilAsync(async () =>
        {
            Assert.False(process.HasExited, "The web process exited: " + process.LogTail());
            try
            {
                using var live = await http.GetAsync("/health/live");
                return live.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(120), 200);
        Assert.True(ready, "The web process did not answer /health/live over https: " + process.LogTail());
    }
}
