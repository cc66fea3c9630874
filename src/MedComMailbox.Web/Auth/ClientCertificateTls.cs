using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MedComMailbox.Web.Auth;

/// <summary>
/// Kestrel's side of mutual TLS. When an endpoint asks for client certificates
/// (<c>Kestrel:EndpointDefaults:ClientCertificateMode=AllowCertificate</c>), Kestrel by default ends the handshake for any
/// certificate whose chain this machine does not trust, so a VANS provider's self-signed or private-CA certificate never
/// reached the certificate handler and its pin (found by ClientCertificateIntakeTests). Who is let in is decided by the
/// thumbprints pinned in <c>Intake:ClientCertificates</c> and <c>DigitalPost:StatusCallback:CertificateThumbprints</c>,
/// checked by the handlers; a certificate nobody pinned gets 401/403 there, a request without one is anonymous.
/// </summary>
public static class ClientCertificateTls
{
    public static IServiceCollection AddClientCertificateTls(this IServiceCollection services) =>
        services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureHttpsDefaults(https => https.AllowAnyClientCertificate()));
}
