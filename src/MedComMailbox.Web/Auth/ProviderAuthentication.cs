using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Auth;

/// <summary>
/// Settings of section <c>Intake</c>: who may deliver messages to <c>POST /api/intake</c>. Each VANS provider is known by
/// an API key (header <c>X-Api-Key</c>) and/or by the thumbprint of its client certificate (mutual TLS). With neither
/// configured the intake is open in Development only; outside Development the service does not start without one.
/// </summary>
public sealed class IntakeAuthOptions
{
    public const string Section = "Intake";
    public const string ApiKeyHeader = "X-Api-Key";

    public List<ProviderApiKey> ApiKeys { get; set; } = [];

    public List<ProviderCertificate> ClientCertificates { get; set; } = [];

    public bool IsConfigured =>
        ApiKeys.Any(k => !string.IsNullOrWhiteSpace(k.Key)) || ClientCertificates.Any(c => !string.IsNullOrWhiteSpace(c.Thumbprint));
}

public sealed class ProviderApiKey
{
    /// <summary>The provider's name, as the audit and the logs show it.</summary>
    public string Provider { get; set; } = "";

    /// <summary>The key itself (a secret: from an environment variable, e.g. <c>Intake__ApiKeys__0__Key</c>).</summary>
    public string Key { get; set; } = "";
}

public sealed class ProviderCertificate
{
    public string Provider { get; set; } = "";

    /// <summary>SHA-1 thumbprint (hex) of the provider's client certificate.</summary>
    public string Thumbprint { get; set; } = "";
}

/// <summary>The provider schemes: an API key handler and ASP.NET Core's certificate handler, both ending in a <c>provider</c> claim.</summary>
public static class ProviderAuthentication
{
    public const string ApiKeyScheme = "ProviderApiKey";
    public const string CertificateScheme = "ProviderCertificate";
    public const string ProviderClaim = "medcom:provider";

    public static AuthenticationBuilder AddProviderSchemes(this AuthenticationBuilder authentication)
    {
        authentication.Services.AddOptions<IntakeAuthOptions>().BindConfiguration(IntakeAuthOptions.Section);
        authentication.AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyScheme, null);
        authentication.AddCertificate(CertificateScheme, options =>
        {
            // The provider's certificate is pinned by thumbprint below, so self-signed certificates are allowed and
            // revocation is the pin's removal.
            options.AllowedCertificateTypes = CertificateTypes.All;
            options.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            options.Events = new CertificateAuthenticationEvents
            {
                OnCertificateValidated = context =>
                {
                    var configured = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<IntakeAuthOptions>>().CurrentValue;
                    var thumbprint = context.ClientCertificate.Thumbprint;
                    var provider = configured.ClientCertificates.FirstOrDefault(c => string.Equals(c.Thumbprint.Replace(":", "", StringComparison.Ordinal).Trim(), thumbprint, StringComparison.OrdinalIgnoreCase));
                    if (provider is null)
                    {
                        context.Fail("The client certificate is not a configured VANS provider's.");
                        return Task.CompletedTask;
                    }

                    context.Principal = Principal(provider.Provider, CertificateScheme);
                    context.Success();
                    return Task.CompletedTask;
                },
            };
        });
        return authentication;
    }

    internal static ClaimsPrincipal Principal(string provider, string scheme) =>
        new(new ClaimsIdentity([new Claim(ProviderClaim, string.IsNullOrWhiteSpace(provider) ? "provider" : provider)], scheme));

    /// <summary>Constant-time comparison of what was sent with one configured key (both hashed first, so lengths do not leak).</summary>
    internal static bool SameKey(string sent, string configured) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(sent)), SHA256.HashData(Encoding.UTF8.GetBytes(configured)));

    private sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptionsMonitor<IntakeAuthOptions> keys)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(IntakeAuthOptions.ApiKeyHeader, out var values) || values.ToString() is not { Length: > 0 } sent)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var match = keys.CurrentValue.ApiKeys.FirstOrDefault(k => !string.IsNullOrWhiteSpace(k.Key) && SameKey(sent, k.Key));
            return Task.FromResult(match is null
                ? AuthenticateResult.Fail("Unknown API key.")
                : AuthenticateResult.Success(new AuthenticationTicket(Principal(match.Provider, ApiKeyScheme), ApiKeyScheme)));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = "ApiKey header=\"" + IntakeAuthOptions.ApiKeyHeader + "\"";
            return Task.CompletedTask;
        }
    }
}
