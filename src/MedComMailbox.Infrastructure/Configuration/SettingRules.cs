using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MedComMailbox.Infrastructure.Configuration;

/// <summary>
/// Checks shared by several options classes. Each returns a sentence naming the setting path and what is wrong, or
/// null when the value is fine, so the start-up error and <c>medcom check-config</c> read the same.
/// </summary>
public static class SettingRules
{
    private static readonly int[] CvrWeights = [2, 7, 6, 5, 4, 3, 2, 1];

    /// <summary>A CVR number: 8 digits whose weighted sum (2,7,6,5,4,3,2,1) is divisible by 11 (the register's modulus-11 check).</summary>
    public static bool IsValidCvr(string? cvr)
    {
        if (cvr is not { Length: 8 } || !cvr.All(char.IsAsciiDigit) || cvr[0] == '0')
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (cvr[i] - '0') * CvrWeights[i];
        }

        return sum % 11 == 0;
    }

    public static string? Cvr(string path, string? cvr) =>
        IsValidCvr(cvr) ? null : $"{path} '{cvr}' is not a CVR number: 8 digits that pass the modulus-11 check.";

    /// <summary>An absolute https address; plain http only on the loopback interface (tests and the embedded default).</summary>
    public static string? HttpsUrl(string path, Uri? url)
    {
        if (url is null)
        {
            return $"{path} is missing.";
        }

        return url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
            ? null
            : $"{path} '{url}' must be an absolute https address (http only for localhost).";
    }

    public static string? HttpsUrl(string path, string? url) =>
        string.IsNullOrWhiteSpace(url) ? $"{path} is missing."
        : Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? HttpsUrl(path, parsed)
        : $"{path} '{url}' is not an absolute address.";

    /// <summary>
    /// A PKCS#12 client certificate for Serviceplatformen: the file exists, opens with the password, holds a private key
    /// and is valid now. Renewal is a routine task (see docs/operations), so an expired certificate must stop the start,
    /// not fail the first letter.
    /// </summary>
    public static IEnumerable<string> Certificate(string path, string? file, string? password, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            yield break;
        }

        if (!File.Exists(file))
        {
            yield return $"{path} '{file}' does not exist (relative paths are relative to the working directory).";
            yield break;
        }

        X509Certificate2? certificate = null;
        string? problem = null;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(file, password);
        }
        catch (CryptographicException)
        {
            problem = $"{path} '{file}' is not a PKCS#12 (.p12/.pfx) file that opens with the configured password.";
        }

        if (problem is not null)
        {
            yield return problem;
            yield break;
        }

        using (certificate)
        {
            if (!certificate!.HasPrivateKey)
            {
                yield return $"{path} '{file}' holds no private key: Serviceplatformen needs the certificate with its key for mutual TLS.";
            }

            if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime)
            {
                yield return $"{path} '{file}' expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}: renew the certificate (docs/operations.en.md).";
            }
            else if (certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
            {
                yield return $"{path} '{file}' is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd}.";
            }
        }
    }
}
