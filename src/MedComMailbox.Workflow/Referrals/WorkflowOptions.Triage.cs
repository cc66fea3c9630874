
namespace MedComMailbox.Workflow.Referrals;

/// <summary>Which messages open a case (<c>Workflow:Triage</c>), with its validation.</summary>
public sealed partial class WorkflowOptions
{
    private IEnumerable<string> TriageProblems()
    {
        if (Triage.ReferralCategories.Count == 0 && Triage.ReferralTopicKeywords.Count == 0 && Triage.OioXmlReferralReceivers.Count == 0)
        {
            yield return "Workflow:Triage lists no ReferralCategories, ReferralTopicKeywords or OioXmlReferralReceivers: no message would ever open a case.";
        }

        for (var i = 0; i < Triage.OioXmlReferralReceivers.Count; i++)
        {
            if (!MedCom.Identifiers.MedComIdentifiers.IsValidGln(Triage.OioXmlReferralReceivers[i]))
            {
                yield return $"Workflow:Triage:OioXmlReferralReceivers:{i} '{Triage.OioXmlReferralReceivers[i]}' is not a location number: 13 digits ending in the GS1 check digit.";
            }
        }
    }

    private IEnumerable<string> RecentCaseWindowProblems()
    {
        if (Triage.RecentCaseWindow < TimeSpan.Zero)
        {
            yield return "Workflow:Triage:RecentCaseWindow must not be negative.";
        }
    }

    public sealed class TriageOptions
    {
        public List<string> ReferralCategories { get; set; } = ["regarding-referral"];
        public List<string> ReferralTopicKeywords { get; set; } = ["henvisning", "koordinationsudvalg", "mistrivsel"];
        /// <summary>OIOXML letters to these location numbers are referrals whatever their subject.</summary>
        public List<string> OioXmlReferralReceivers { get; set; } = [];
        /// <summary>A referral of a child whose case closed within this window is linked to it.</summary>
        public TimeSpan RecentCaseWindow { get; set; } = TimeSpan.FromDays(90);
    }
}
