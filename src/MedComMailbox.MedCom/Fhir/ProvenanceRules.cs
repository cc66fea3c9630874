using MedComMailbox.MedCom.Terminology;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>Receiver point 7: threading provenance (known activities, a target, a revision on a reply or forward).</summary>
internal static class ProvenanceRules
{
    internal static void CheckProvenance(MedComFhirMessage message, List<MedComIssue> issues)
    {
        foreach (var provenance in message.Provenances)
        {
            if (!MedComTerminology.Activities.Contains(provenance.Activity))
            {
                issues.Add(MedComErrors.ProvenanceActivityUnknown.At($"Provenance/{provenance.Id}.activity", provenance.Activity));
            }
        }

        var latest = message.LatestProvenance;
        if (latest is null)
        {
            if (message.Provenances.Count > 0)
            {
                issues.Add(MedComErrors.ProvenanceTargetMissing.At("Provenance.target"));
            }

            return;
        }

        if (latest.Activity is "reply-message" or "forward-message" && latest.Revision is null)
        {
            issues.Add(MedComErrors.ProvenanceRevisionMissing.At($"Provenance/{latest.Id}.entity"));
        }
    }
}
