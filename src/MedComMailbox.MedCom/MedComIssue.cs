// Part of the library's public surface that the intake, the CLI and the worker build on (with MedComMessageKind.cs and
// Inbound.cs): plain types, so the layers above do not depend on the FHIR SDK's object model.
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
