using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MedComMailbox.Infrastructure.Hosting;

/// <summary>
/// A Serviceplatformen service (SF1520 CPR, SF1601 Digital Post): its address answers at all (any HTTP status), and the
/// client certificate is not expired or within 30 days of expiry. Tagged external: a national service being down
/// delays letters (they are retried) but must not take the mailbox out of rotation.
/// </summary>
public sealed class ExternalServiceHealthCheck(string modeKey, Uri? address, string? certificatePath, string? certificatePassword, IHttpClientFactory http, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan RenewalWarning = TimeSpan.FromDays(30);

    public static ExternalServiceHealthCheck Cpr(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IConfiguration>().GetSection(CprLookupOptions.Section).Get<CprLookupOptions>() ?? new CprLookupOptions();
        return Create(sp, CitizenServicesRegistration.CprModeKey, o.ServiceUrl, o.CertificatePath, o.CertificatePassword);
    }

    public static ExternalServiceHealthCheck DigitalPost(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IConfiguration>().GetSection(DigitalPostOptions.Section).Get<DigitalPostOptions>() ?? new DigitalPostOptions();
        return Create(sp, CitizenServicesRegistration.DigitalPostModeKey, o.ServiceBaseUrl, o.CertificatePath, o.CertificatePassword);
    }

    private static ExternalServiceHealthCheck Create(IServiceProvider sp, string modeKey, Uri? address, string? path, string? password)
    {
        var serviceplatform = string.Equals(sp.GetRequiredService<IConfiguration>()[modeKey]?.Trim(), nameof(CitizenServiceMode.Serviceplatformen), StringComparison.OrdinalIgnoreCase);
        return new ExternalServiceHealthCheck(modeKey, serviceplatform ? address : null, path, password, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>());
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (address is null)
        {
            return HealthCheckResult.Healthy("Udviklingstilstand: den indbyggede erstatning for tjenesten bruges, så der er intet at kontakte.", new Dictionary<string, object> { ["setting"] = modeKey });
        }

        var data = new Dictionary<string, object> { ["address"] = address.GetLeftPart(UriPartial.Authority) };
        if (Certificate(data) is { } certificateProblem)
        {
            return certificateProblem;
        }

        try
        {
            using var response = await http.CreateClient(MailboxHealthChecks.HttpClientName).GetAsync(address, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            data["httpStatus"] = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{address.Host} kan ikke nås ({e.GetType().Name}); breve og opslag venter og prøves igen.", data: data);
        }

        return data.TryGetValue("certificateExpiresInDays", out var days) && (int)days < RenewalWarning.TotalDays
            ? HealthCheckResult.Degraded($"{address.Host} svarer, men certifikatet udløber om {days} dage: forny det (docs/operations.da.md).", data: data)
            : HealthCheckResult.Healthy($"{address.Host} svarer.", data);
    }

    private HealthCheckResult? Certificate(Dictionary<string, object> data)
    {
        if (string.IsNullOrEmpty(certificatePath))
        {
            return null;
        }

        try
        {
            using var certificate = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, certificatePassword);
            var left = certificate.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime;
            data["certificateExpiresInDays"] = (int)Math.Floor(left.TotalDays);
            return left <= TimeSpan.Zero ? HealthCheckResult.Unhealthy("Klientcertifikatet er udløbet: forny det (docs/operations.da.md).", data: data) : null;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"Klientcertifikatet kan ikke læses ({e.GetType().Name}).", data: data);
        }
    }
}
