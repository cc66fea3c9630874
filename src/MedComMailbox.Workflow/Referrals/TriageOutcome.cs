namespace MedComMailbox.Workflow.Referrals;

public enum TriageOutcome
{
    /// <summary>The event had been handled before: nothing changed.</summary>
    AlreadyDone,
    /// <summary>Kept in the inbox for a person.</summary>
    Inbox,
    /// <summary>Attached to an existing case (and in the inbox).</summary>
    Attached,
    /// <summary>A new referral: a case was opened, the receipt and consent requests are queued.</summary>
    Opened,
    /// <summary>The CPR register could not be asked; in the inbox, and triage is tried again by the sweep.</summary>
    Deferred,
}
