using System.Security.Cryptography;
using System.Text;

namespace MedComMailbox.Web.Features.DigitalPost;

/// <summary>
/// Settings of section <c>DigitalPost:StatusCallback</c>: how <c>POST /api/digitalpost/status</c> knows the caller is the
/// Beskedfordeler. Either an HMAC-SHA256 over the raw body with <see cref="Secret"/>, sent as
/// <c>X-MedComMailbox-Signature: sha256=&lt;hex&gt;</c> (a proxy or adapter in front of the mailbox signs), or a client
/// certificate whose thumbprint is listed in <see cref="CertificateThumbprints"/> (mutual TLS).
/// </summary>
public sealed class StatusCallbackOptions
{
    public const string Section = "DigitalPost:StatusCallback";
    public const string SignatureHeader = "X-MedComMailbox-Signature";

    /// <summary>The shared HMAC secret (from an environment variable: <c>DigitalPost__StatusCallback__Secret</c>).</summary>
    public string? Secret { get; set; }

    public List<string> CertificateThumbprints { get; set; } = [];

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Secret) || CertificateThumbprints.Any(t => !string.IsNullOrWhiteSpace(t));

    /// <summary>True when the request carries a valid signature over <paramref name="body"/> or a configured client certificate.</summary>
    public bool Authenticates(HttpContext http, byte[] body)
    {
        if (http.Connection.ClientCertificate is { } certificate &&
            CertificateThumbprints.Any(t => string.Equals(t.Replace(":", "", StringComparison.Ordinal).Trim(), certificate.Thumbprint, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        if (string.IsNullOrWhiteSpace(Secret) || http.Request.Headers[SignatureHeader].ToString() is not { Length: > 0 } header)
        {
            return false;
        }

        var sent = header.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? header[7..] : header;
        byte[] sentBytes;
        try
        {
            sentBytes = Convert.FromHexString(sent.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Sign(Secret, body), sentBytes);
    }

    public static byte[] Sign(string secret, byte[] body) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
}
