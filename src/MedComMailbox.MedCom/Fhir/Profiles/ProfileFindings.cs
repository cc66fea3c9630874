using Hl7.Fhir.Model;

namespace MedComMailbox.MedCom.Fhir.Profiles;

/// <summary>
/// Turns Firely's OperationOutcome into our findings and decides, per finding, whether it rejects the message or
/// only warns (docs/adr/0012-profile-validation.md):
/// <list type="bullet">
/// <item>an error against a profile MedCom publishes (cardinality, slices, fixed values, MedCom's invariants) rejects:
///   <c>profile-invalid</c>; a code outside a required MedCom value set rejects as <c>profile-code-unknown</c>
///   (MSG_VALUESET_VALUE_UNKNOWN);</item>
/// <item>a profile the message names that we do not carry (another IG version) cannot be checked: a warning;</item>
/// <item>a value set whose code system is not in the packages (MIME types are <c>urn:ietf:bcp:13</c>, SNOMED CT)
///   cannot be expanded offline: dropped, our own rules check the MIME types;</item>
/// <item>an invariant the SDK's FHIRPath engine cannot evaluate (<c>conformsTo()</c> in medcom-acknowledgement-2) is not reported;</item>
/// <item>Firely's warnings (extensible bindings, unknown extensions, best practice) stay warnings; information is dropped.</item>
/// </list>
/// The location is the FHIRPath Firely reports (e.g. <c>Bundle.entry[2].resource[0].payload[0]</c>).
/// </summary>
public static class ProfileFindings
{
    private const string CodeNotInValueSet = "6007";
    private const string TerminologyUnavailable = "6006";
    private const string ProfileUnresolvable = "4000";
    private const string EvaluationFailed = "Evaluation of FhirPath for constraint";

    public static IReadOnlyList<MedComIssue> Classify(OperationOutcome outcome)
    {
        var issues = new List<MedComIssue>();
        foreach (var issue in outcome.Issue)
        {
            var code = issue.Details?.Coding.FirstOrDefault()?.Code;
            if (issue.Severity == OperationOutcome.IssueSeverity.Information || code == TerminologyUnavailable)
            {
                continue;
            }

            var location = issue.Expression.FirstOrDefault() ?? issue.Location.FirstOrDefault();
            var text = issue.Details?.Text ?? issue.Diagnostics ?? "";
            if (text.StartsWith(EvaluationFailed, StringComparison.Ordinal))
            {
                // The SDK's FHIRPath engine cannot evaluate the invariant (medcom-acknowledgement-2 uses conformsTo()):
                // that says nothing about the message, so it is not reported. Our own rules check what it states.
                continue;
            }

            var blocking = issue.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;
            var rule = !blocking || code == ProfileUnresolvable ? MedComErrors.ProfileWarning
                : code == CodeNotInValueSet ? MedComErrors.ProfileCodeUnknown
                : MedComErrors.ProfileInvalid;
            var finding = rule.At(location, text);
            if (!issues.Contains(finding))
            {
                issues.Add(finding);
            }
        }

        return issues;
    }
}
