// The library's public surface that the intake, the CLI and the worker build on.
// Parsing, validation and building live in Fhir/, OioXml/ and Envelopes/; this file only names
// what crosses the boundary, so the layers above do not depend on the FHIR SDK's object model.
namespace MedComMailbox.MedCom;

/// <summary>How serious a finding is. Fatal and Error reject the message (negative acknowledgement).</summary>
public enum MedComIssueSeverity
{
    Fatal,
    Error,
    Warning,
    Information,
}

/// <summary>
/// One finding about a message. <see cref="Code"/> is stable (tests, samples and operators key on it);
/// the texts are suitable for an OperationOutcome issue (Danish first, English second).
/// </summary>
public sealed record MedComIssue(string Code, MedComIssueSeverity Severity, string TextDa, string TextEn, string? Location = null)
{
    public bool IsBlocking => Severity is MedComIssueSeverity.Fatal or MedComIssueSeverity.Error;
}

/// <summary>The kind of MedCom message, independent of its syntax.</summary>
public enum MedComMessageKind
{
    Unknown,
    CareCommunication,
    Acknowledgement,
    OioXmlLetter,
    OioXmlReceipt,
}

/// <summary>The wire syntax a message arrived in.</summary>
public enum MedComSyntax
{
    Unknown,
    FhirJson,
    FhirXml,
    OioXml,
}
