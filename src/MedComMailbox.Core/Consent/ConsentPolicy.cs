namespace MedComMailbox.Core.Consent;

/// <summary>The municipality's consent rules. Defaults follow the pilot: 14 days to answer, one reminder adding 7 days, child's own consent from 15, validity at most one year.</summary>
public sealed record ConsentPolicy(int ChildConsentAge, TimeSpan ResponseTime, TimeSpan ReminderExtension, TimeSpan MaxValidity)
{
    public static ConsentPolicy Default { get; } = new(15, TimeSpan.FromDays(14), TimeSpan.FromDays(7), TimeSpan.FromDays(365));

    /// <summary>Whether the child must consent (and receives the letters) on a date.</summary>
    public bool ChildMustConsent(People.CprNumber child, DateOnly on) => child.AgeOn(on) >= ChildConsentAge;
}
