
namespace MedComMailbox.Workflow.Referrals;

/// <summary>The consent deadlines (<c>Workflow:Consent</c>) and the committee's meetings (<c>Workflow:CommitteeMeetings</c>), with their validation.</summary>
public sealed partial class WorkflowOptions
{
    private IEnumerable<string> ConsentProblems()
    {
        var consent = Consent;
        if (consent.ChildConsentAge is < 10 or > 18)
        {
            yield return $"Workflow:Consent:ChildConsentAge {consent.ChildConsentAge} must be between 10 and 18 (the pilot: 15).";
        }

        if (consent.ResponseTime <= TimeSpan.Zero || consent.ResponseTime > TimeSpan.FromDays(90))
        {
            yield return $"Workflow:Consent:ResponseTime {consent.ResponseTime} must be more than 0 and at most 90 days (the pilot: 14.00:00:00).";
        }

        if (consent.ReminderExtension < TimeSpan.Zero || consent.ReminderExtension > TimeSpan.FromDays(90))
        {
            yield return $"Workflow:Consent:ReminderExtension {consent.ReminderExtension} must be between 0 and 90 days (the pilot: 7.00:00:00).";
        }

        if (consent.MaxValidity <= TimeSpan.Zero || consent.MaxValidity > TimeSpan.FromDays(366))
        {
            yield return $"Workflow:Consent:MaxValidity {consent.MaxValidity} must be more than 0 and at most one year.";
        }
    }

    private IEnumerable<string> CommitteeProblems()
    {
        var meetings = CommitteeMeetings;
        string? zoneProblem = null;
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(meetings.TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zoneProblem = $"Workflow:CommitteeMeetings:TimeZone '{meetings.TimeZone}' is not a known time zone (e.g. Europe/Copenhagen).";
        }

        if (zoneProblem is not null)
        {
            yield return zoneProblem;
        }

        if (!Enum.IsDefined(meetings.Day) || meetings.Day is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            yield return $"Workflow:CommitteeMeetings:Day '{meetings.Day}' must be a weekday (Monday to Friday).";
        }

        if (meetings.ReadingTime < TimeSpan.Zero || meetings.ReadingTime > TimeSpan.FromDays(14))
        {
            yield return $"Workflow:CommitteeMeetings:ReadingTime {meetings.ReadingTime} must be between 0 and 14 days (the pilot: 2.00:00:00).";
        }

        if (meetings.MaxWorkingDaysAfterConsent is < 1 or > 60)
        {
            yield return $"Workflow:CommitteeMeetings:MaxWorkingDaysAfterConsent {meetings.MaxWorkingDaysAfterConsent} must be between 1 and 60 (the pilot: 8).";
        }

        for (var i = 0; i < (meetings.ExtraClosedDays?.Count ?? 0); i++)
        {
            var d = meetings.ExtraClosedDays![i];
            if (d.Month is < 1 or > 12 || d.Day < 1 || d.Day > DateTime.DaysInMonth(2024, d.Month))
            {
                yield return $"Workflow:CommitteeMeetings:ExtraClosedDays:{i} (month {d.Month}, day {d.Day}) is not a day of the year.";
            }
        }
    }

    public sealed class ConsentOptions
    {
        /// <summary>From this age the child consents too and receives the letters (the pilot: 15).</summary>
        public int ChildConsentAge { get; set; } = 15;
        public TimeSpan ResponseTime { get; set; } = TimeSpan.FromDays(14);
        public TimeSpan ReminderExtension { get; set; } = TimeSpan.FromDays(7);
        public TimeSpan MaxValidity { get; set; } = TimeSpan.FromDays(365);
    }

    public sealed class CommitteeOptions
    {
        public DayOfWeek Day { get; set; } = DayOfWeek.Wednesday;
        public TimeOnly Time { get; set; } = new(8, 30);
        public string TimeZone { get; set; } = "Europe/Copenhagen";
        /// <summary>Members read the cases before the meeting: a case goes on a meeting at least this long after consent.</summary>
        public TimeSpan ReadingTime { get; set; } = TimeSpan.FromDays(2);
        public int MaxWorkingDaysAfterConsent { get; set; } = 8;
        public List<DateOnly> CancelledDates { get; set; } = [];
        /// <summary>Closing days besides the public holidays; null keeps 5 June, 24 and 31 December.</summary>
        public List<MonthDay>? ExtraClosedDays { get; set; }
    }

    public sealed record MonthDay(int Month, int Day);

}
