namespace MedComMailbox.Core.Referrals;

/// <summary>What the triage worker needs to know of a received message (no health text: classification never reads it).</summary>
public sealed record TriageInput(
    Guid MessageId,
    string Kind,
    string? Category,
    string? Topic,
    string? ChildCpr,
    string? ThreadId,
    string? SenderGln,
    string? ReceiverGln,
    DateTimeOffset ReceivedAt);

/// <summary>A case the classifier can attach a message to.</summary>
public sealed record CaseRef(Guid CaseId, string ChildCpr, IReadOnlySet<string> ThreadIds, bool Open, DateTimeOffset? ClosedAt);

public enum TriageRoute
{
    /// <summary>A referral about a child: opens a case.</summary>
    NewReferral,
    /// <summary>A message in an existing case (reply in its thread, or the same child while the case is open): attached, the operator notified.</summary>
    ExistingCase,
    /// <summary>Anything else: stays in the inbox for a person.</summary>
    OtherCorrespondence,
}

/// <param name="LinkedCaseId">For <see cref="TriageRoute.ExistingCase"/> the case; for a re-referral after a recently closed case, that earlier case.</param>
public sealed record TriageDecision(TriageRoute Route, Guid? LinkedCaseId, string Reason);

/// <summary>Triage rules a municipality configures: which categories and topics are referrals, which OIOXML letters, and how long a closed case counts as recent.</summary>
public sealed record TriageRules(
    IReadOnlySet<string> ReferralCategories,
    IReadOnlyList<string> ReferralTopicKeywords,
    IReadOnlySet<string> OioXmlReferralReceivers,
    TimeSpan RecentCaseWindow)
{
    public static TriageRules Default { get; } = new(
        new HashSet<string>(["regarding-referral"], StringComparer.Ordinal),
        ["henvisning", "koordinationsudvalg", "mistrivsel"],
        new HashSet<string>(StringComparer.Ordinal),
        TimeSpan.FromDays(90));
}

/// <summary>
/// Decides where a received message goes. Order matters: a message in a known thread belongs to its case before
/// anything else; a referral about a child with an open case is attached to it (a re-referral is linked, not duplicated).
/// </summary>
public static class TriageClassifier
{
    public static TriageDecision Classify(TriageInput message, IReadOnlyCollection<CaseRef> casesOfChildOrThread, TriageRules rules)
    {
        if (message.Kind is "Acknowledgement" or "OioXmlReceipt")
        {
            return new(TriageRoute.OtherCorrespondence, null, "acknowledgement");
        }

        if (message.ThreadId is not null && casesOfChildOrThread.FirstOrDefault(c => c.ThreadIds.Contains(message.ThreadId)) is { } threadCase)
        {
            return new(TriageRoute.ExistingCase, threadCase.CaseId, "reply in a known thread");
        }

        var openCase = message.ChildCpr is null ? null
            : casesOfChildOrThread.FirstOrDefault(c => c.Open && c.ChildCpr == message.ChildCpr);
        if (openCase is not null)
        {
            return new(TriageRoute.ExistingCase, openCase.CaseId, "same child has an open case");
        }

        if (!IsReferral(message, rules))
        {
            return new(TriageRoute.OtherCorrespondence, null, "not a referral by the configured rules");
        }

        if (message.ChildCpr is null)
        {
            return new(TriageRoute.OtherCorrespondence, null, "referral without a patient CPR");
        }

        var recent = casesOfChildOrThread
            .Where(c => !c.Open && c.ChildCpr == message.ChildCpr && c.ClosedAt is { } closed && message.ReceivedAt - closed <= rules.RecentCaseWindow)
            .OrderByDescending(c => c.ClosedAt)
            .FirstOrDefault();
        return new(TriageRoute.NewReferral, recent?.CaseId, recent is null ? "new referral" : "re-referral of a recently closed case");
    }

    private static bool IsReferral(TriageInput message, TriageRules rules) => message.Kind switch
    {
        "CareCommunication" => (message.Category is not null && rules.ReferralCategories.Contains(message.Category))
            || (message.Category == "other" && message.Topic is not null && rules.ReferralTopicKeywords.Any(k => message.Topic.Contains(k, StringComparison.OrdinalIgnoreCase))),
        "OioXmlLetter" => (message.ReceiverGln is not null && rules.OioXmlReferralReceivers.Contains(message.ReceiverGln))
            || (message.Topic is not null && rules.ReferralTopicKeywords.Any(k => message.Topic.Contains(k, StringComparison.OrdinalIgnoreCase))),
        _ => false,
    };
}
