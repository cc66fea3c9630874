using MedComMailbox.Core.Referrals;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>The kinds of deadline rows besides Core's <see cref="DeadlineKind"/>.</summary>
public static class DeadlineKinds
{
    /// <summary>Consent is complete: look custody up again before the committee (network, so outside the case's transaction).</summary>
    public const string CustodyRecheck = "CustodyRecheck";

    /// <summary>A received message whose triage could not finish (the CPR register was unreachable): try again.</summary>
    public const string RetryTriage = "RetryTriage";
}
