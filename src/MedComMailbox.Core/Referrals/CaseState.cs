namespace MedComMailbox.Core.Referrals;

public enum CaseState
{
    /// <summary>Consent requests are out; waiting for every required answer.</summary>
    AwaitingConsent,
    /// <summary>Every consent is in; custody is being re-checked before the committee.</summary>
    CheckingCustody,
    /// <summary>On the committee's agenda.</summary>
    OnAgenda,
    /// <summary>The committee decided; decision letters went out.</summary>
    Decided,
    /// <summary>Closed without consent after the reminder's deadline.</summary>
    ClosedNoConsent,
    /// <summary>Someone refused consent ("Samtykke afslået"): no further processing; on the "kræver handling" list until a person closes it.</summary>
    ConsentRefused,
    /// <summary>Someone withdrew a given consent ("Samtykke trukket tilbage"), before or after the decision; on the list until closed.</summary>
    ConsentWithdrawn,
    /// <summary>The consent became older than its maximum validity ("Samtykke udløbet"); on the list until closed.</summary>
    ConsentExpired,
    /// <summary>Closed by staff with a reason.</summary>
    ClosedByStaff,
}
