namespace MedComMailbox.MedCom.OioXml;

/// <summary>Emessage/Envelope: when it was sent, its number, and whether the sender wants a positive receipt.</summary>
public sealed record OioXmlEnvelope(DateTimeOffset? Sent, string? Identifier, string? AcknowledgementCode)
{
    public bool PositiveReceiptRequested => AcknowledgementCode == OioXmlCodes.PositiveReceiptRequested;
}

/// <summary>The &lt;Letter&gt; element of a ClinicalEmail: the letter's number, version, type and status.</summary>
public sealed record OioXmlLetterHeader(
    string? Identifier,
    string? VersionCode,
    string? StatisticalCode,
    DateTimeOffset? Authorisation,
    string? TypeCode,
    string? StatusCode,
    string? EpisodeOfCareIdentifier);

/// <summary>A Sender or Receiver. <see cref="EanIdentifier"/> is the location number (GLN) the letter is routed on.</summary>
public sealed record OioXmlParty(
    string? EanIdentifier,
    string? Identifier,
    string? IdentifierCode,
    string? OrganisationName,
    string? DepartmentName,
    string? UnitName,
    string? TelephoneSubscriberIdentifier,
    string? MedicalSpecialityCode)
{
    public static OioXmlParty Empty { get; } = new(null, null, null, null, null, null, null, null);
}

/// <summary>The patient: a CPR number or a replacement CPR (AlternativeIdentifier). Personal data: never log.</summary>
public sealed record OioXmlPatient(
    string? CivilRegistrationNumber,
    string? AlternativeIdentifier,
    string? SurnameName,
    string? GivenName,
    string? EpisodeOfCareStatusCode)
{
    public static OioXmlPatient Empty { get; } = new(null, null, null, null, null);

    /// <summary>The CPR number, or the replacement CPR when there is none.</summary>
    public string? Identifier => CivilRegistrationNumber ?? AlternativeIdentifier;

    public string? DisplayName => string.Join(' ', new[] { GivenName, SurnameName }.Where(n => !string.IsNullOrEmpty(n))) is { Length: > 0 } name ? name : null;
}

/// <summary>A BIN reference: an attachment sent separately (as an XBIN01 binary letter) and identified here.</summary>
public sealed record OioXmlBinaryObject(string? ObjectIdentifier, string? ObjectCode, string? ObjectExtensionCode, long? OriginalObjectSize);

/// <summary>A Reference: a description and either a URL, a supplementary-material flag (SUP) or a binary object (BIN).</summary>
public sealed record OioXmlReference(string? Description, string? Url, bool Supplementary, OioXmlBinaryObject? Binary);

/// <summary>
/// A received XDIS91 correspondence letter (Emessage with one ClinicalEmail). Fields are nullable because a
/// broken letter may reveal only part of itself; what could be read is kept so a negative receipt can be addressed.
/// XDIS91 has no element that points at a previous letter, so a letter carries no thread reference.
/// </summary>
public sealed record OioXmlLetter(
    string Namespace,
    OioXmlEnvelope Envelope,
    OioXmlLetterHeader Letter,
    OioXmlParty Sender,
    OioXmlParty Receiver,
    OioXmlPatient Patient,
    string? Priority,
    string? Subject,
    IReadOnlyList<string> ClinicalTexts,
    IReadOnlyList<OioXmlReference> References)
{
    /// <summary>All ClinicalInformation texts, one after another.</summary>
    public string Text => string.Join("\n", ClinicalTexts);
}
