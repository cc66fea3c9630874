using System.ComponentModel.DataAnnotations;

namespace MedComMailbox.Infrastructure.DigitalPost;

/// <summary>Serviceplatformen SF1601 (KombiPostAfsend) settings. Configuration section <c>DigitalPost</c>.</summary>
public sealed class DigitalPostOptions
{
    public const string Section = "DigitalPost";

    /// <summary>Serviceplatformen's base address (services and access-token service).</summary>
    [Required]
    public Uri? ServiceBaseUrl { get; set; }

    /// <summary>The security token service's base address (<c>…/runtime/api/rest/wstrust/v1/issue</c> is appended).</summary>
    [Required]
    public Uri? TokenServiceBaseUrl { get; set; }

    /// <summary>The municipality's CVR number (8 digits): the sender of every letter and the token's AnvenderKontekst.</summary>
    [Required]
    [RegularExpression(@"^\d{8}$", ErrorMessage = "DigitalPost:Cvr must be 8 digits.")]
    public string Cvr { get; set; } = "";

    /// <summary>The sender name citizens see.</summary>
    [Required]
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

    /// <summary>Renew the access token this long before it expires.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan TokenRenewalMargin { get; set; } = TimeSpan.FromMinutes(5);
}
