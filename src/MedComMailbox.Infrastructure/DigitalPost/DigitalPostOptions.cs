using System.ComponentModel.DataAnnotations;
using MedComMailbox.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.DigitalPost;

/// <summary>Serviceplatformen SF1601 (KombiPostAfsend) settings. Configuration section <c>DigitalPost</c>.</summary>
public sealed class DigitalPostOptions : IValidatableObject
{
    public const string Section = "DigitalPost";

    /// <summary>Serviceplatformen's base address (services and access-token service).</summary>
    public Uri? ServiceBaseUrl { get; set; }

    /// <summary>The security token service's base address (<c>…/runtime/api/rest/wstrust/v1/issue</c> is appended).</summary>
    public Uri? TokenServiceBaseUrl { get; set; }

    /// <summary>The municipality's CVR number (8 digits, modulus 11): the sender of every letter and the token's AnvenderKontekst.</summary>
    public string Cvr { get; set; } = "";

    /// <summary>The sender name citizens see.</summary>
    public string SenderLabel { get; set; } = "";

    /// <summary>The service entity the token applies to.</summary>
    public string EntityId { get; set; } = "http://entityid.kombit.dk/service/kombipostafsend/1";

    /// <summary>PKCS#12 file with the municipality's certificate for mutual TLS (production). Empty in the embedded default.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>
    /// How KombiPostAfsend delivers (<c>DigitalPost:Channel</c>). Default <see cref="KombiChoice.Automatic"/>: citizens exempt
    /// from Digital Post get printed post instead of no letter.
    /// </summary>
    public KombiChoice Channel { get; set; } = KombiChoice.Automatic;

    /// <summary>
    /// Letters to citizens the register says are exempt from Digital Post (<c>DigitalPost:ExemptRecipients</c>): the local
    /// print queue (default) or Digital Post's printed post. See <see cref="DigitalPost.ExemptRecipients"/>.
    /// </summary>
    public ExemptRecipients ExemptRecipients { get; set; } = ExemptRecipients.PrintQueue;

    /// <summary>Renew the access token this long before it expires.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:30:00", ErrorMessage = "DigitalPost:TokenRenewalMargin must be between 0 and 30 minutes.")]
    public TimeSpan TokenRenewalMargin { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var problems = new[]
        {
            SettingRules.HttpsUrl("DigitalPost:ServiceBaseUrl", ServiceBaseUrl),
            SettingRules.HttpsUrl("DigitalPost:TokenServiceBaseUrl", TokenServiceBaseUrl),
            SettingRules.Cvr("DigitalPost:Cvr", Cvr),
            string.IsNullOrWhiteSpace(SenderLabel) ? "DigitalPost:SenderLabel is missing: it is the sender name citizens see on every letter." : null,
            string.IsNullOrWhiteSpace(EntityId) ? "DigitalPost:EntityId is missing." : null,
            ExemptRecipients == ExemptRecipients.DigitalPost && Channel is not (KombiChoice.Automatic or KombiChoice.PhysicalPost)
                ? $"DigitalPost:ExemptRecipients is DigitalPost but DigitalPost:Channel is {Channel}: letters to citizens exempt from Digital Post would not be delivered. Use Channel Automatic (Digital Post prints them) or ExemptRecipients PrintQueue (you print them)."
                : null,
        };
        return problems.OfType<string>().Select(p => new ValidationResult(p));
    }
}

/// <summary>The certificate is checked against the clock (expired certificates stop the start), so it needs <see cref="TimeProvider"/>.</summary>
internal sealed class DigitalPostCertificateValidation(TimeProvider time) : IValidateOptions<DigitalPostOptions>
{
    public ValidateOptionsResult Validate(string? name, DigitalPostOptions options)
    {
        var problems = SettingRules.Certificate("DigitalPost:CertificatePath", options.CertificatePath, options.CertificatePassword, time.GetUtcNow()).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
