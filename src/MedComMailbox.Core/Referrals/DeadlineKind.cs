namespace MedComMailbox.Core.Referrals;

/// <summary>The consent deadlines a case schedules as deadline rows.</summary>
public enum DeadlineKind
{
    ConsentReminder,
    ConsentLapse,
    ConsentExpiry,
}
