namespace MedComMailbox.MedCom.OioXml;

public enum OioXmlReceiptKind
{
    /// <summary>PositiveReceipt, XC0330Q / XCTL03: the letter was received and accepted.</summary>
    Positive,

    /// <summary>NegativeReceipt, XC0230Q / XCTL02: the letter was rejected.</summary>
    Negative,
}

/// <summary>The RefuseCode values of a NegativeReceipt (2005/08/07 NegativeReceipt.xsd).</summary>
public enum OioXmlRefuseCode
{
    /// <summary>ikke_specificeret</summary>
    NotSpecified,

    /// <summary>ukendt_lokationsnummer</summary>
    UnknownLocationNumber,

    /// <summary>problem_med_modtagerID</summary>
    ReceiverIdProblem,

    /// <summary>problem_med_version</summary>
    VersionProblem,

    /// <summary>syntaksfejl</summary>
    SyntaxError,
}

public static class OioXmlRefuseCodes
{
    public static string ToCode(this OioXmlRefuseCode code) => code switch
    {
        OioXmlRefuseCode.UnknownLocationNumber => "ukendt_lokationsnummer",
        OioXmlRefuseCode.ReceiverIdProblem => "problem_med_modtagerID",
        OioXmlRefuseCode.VersionProblem => "problem_med_version",
        OioXmlRefuseCode.SyntaxError => "syntaksfejl",
        _ => "ikke_specificeret",
    };

    public static OioXmlRefuseCode? Parse(string? code) => code switch
    {
        "ikke_specificeret" => OioXmlRefuseCode.NotSpecified,
        "ukendt_lokationsnummer" => OioXmlRefuseCode.UnknownLocationNumber,
        "problem_med_modtagerID" => OioXmlRefuseCode.ReceiverIdProblem,
        "problem_med_version" => OioXmlRefuseCode.VersionProblem,
        "syntaksfejl" => OioXmlRefuseCode.SyntaxError,
        _ => null,
    };

    private static readonly Dictionary<string, OioXmlRefuseCode> ByIssue = new(StringComparer.Ordinal)
    {
        [MedComErrors.BodyEmpty.Code] = OioXmlRefuseCode.SyntaxError,
        [MedComErrors.SyntaxInvalid.Code] = OioXmlRefuseCode.SyntaxError,
        [MedComErrors.XmlDtdForbidden.Code] = OioXmlRefuseCode.SyntaxError,
        [MedComErrors.FormatUnknown.Code] = OioXmlRefuseCode.VersionProblem,
        [MedComErrors.OioXmlVersionUnsupported.Code] = OioXmlRefuseCode.VersionProblem,
        [MedComErrors.OioXmlReceiverMissing.Code] = OioXmlRefuseCode.ReceiverIdProblem,
        [MedComErrors.ReceiverUnknown.Code] = OioXmlRefuseCode.UnknownLocationNumber,
    };

    /// <summary>The refuse code that fits a finding best, for a negative receipt built from our issues.</summary>
    public static OioXmlRefuseCode For(MedComIssue issue) => ByIssue.GetValueOrDefault(issue.Code, OioXmlRefuseCode.NotSpecified);
}

/// <summary>An OriginalLetter of a receipt: the letter it answers, and (negative receipts) why that letter was refused.</summary>
public sealed record OioXmlOriginalLetter(string? Identifier, string? VersionCode, OioXmlRefuseCode? RefuseCode, string? RefuseText);

/// <summary>A received OIOXML receipt (PositiveReceipt or NegativeReceipt) answering one of our letters.</summary>
public sealed record OioXmlReceipt(
    OioXmlReceiptKind Kind,
    string Namespace,
    OioXmlEnvelope Envelope,
    string? LetterIdentifier,
    string? VersionCode,
    string? StatisticalCode,
    string? SenderEan,
    string? ReceiverEan,
    string? OriginalEnvelopeIdentifier,
    string? OriginalSenderEan,
    string? OriginalReceiverEan,
    IReadOnlyList<OioXmlOriginalLetter> OriginalLetters,
    OioXmlRefuseCode? RefuseCode,
    string? RefuseText);
