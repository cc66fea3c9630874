using MedComMailbox.Core.Calendar;
using MedComMailbox.Core.Time;

namespace MedComMailbox.Core.Committee;

/// <summary>
/// When the coordination committee meets: weekly on a weekday at a local time (the pilot: Wednesday 08:30
/// Europe/Copenhagen), skipping days that are not working days and dates the committee has cancelled.
/// </summary>
public sealed record CommitteeSchedule(
    DayOfWeek Day,
    TimeOnly Time,
    TimeZoneInfo TimeZone,
    TimeSpan ReadingTime,
    int MaxWorkingDaysAfterConsent,
    IReadOnlySet<DateOnly> CancelledDates)
{
    public static CommitteeSchedule Default { get; } = new(
        DayOfWeek.Wednesday,
        new TimeOnly(8, 30),
        DanishTime.Zone,
        TimeSpan.FromDays(2),
        8,
        new HashSet<DateOnly>());
}

/// <summary>Where a consented case goes on the agenda.</summary>
/// <param name="Meeting">The meeting the case is placed on (the earliest that respects the reading time).</param>
/// <param name="LatestAllowed">The last date the case may be discussed: the 8th working day after consent.</param>
/// <param name="WithinDeadline">False when no meeting fits the window; the case is then flagged for a person.</param>
public sealed record AgendaPlacement(DateTimeOffset Meeting, DateOnly LatestAllowed, bool WithinDeadline);

/// <summary>Places a case on the agenda of the earliest meeting that lies at least the reading time after consent.</summary>
public sealed class AgendaPlanner(CommitteeSchedule schedule, WorkingDayCalendar calendar)
{
    private const int SearchWeeks = 26;

    /// <param name="consentCompletedAt">When the last required consent came in: the 8 working days count from here.</param>
    /// <param name="notBefore">Now, when placement happens later than consent (a slow custody re-check): no meeting in the past.</param>
    public AgendaPlacement Place(DateTimeOffset consentCompletedAt, DateTimeOffset? notBefore = null)
    {
        var earliest = consentCompletedAt + schedule.ReadingTime;
        if (notBefore is { } floor && floor > earliest)
        {
            earliest = floor;
        }

        var consentLocalDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(consentCompletedAt, schedule.TimeZone).DateTime);
        var latest = calendar.AddWorkingDays(consentLocalDate, schedule.MaxWorkingDaysAfterConsent);

        foreach (var meeting in MeetingsFrom(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(earliest, schedule.TimeZone).DateTime)))
        {
            if (meeting < earliest)
            {
                continue;
            }

            var meetingDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(meeting, schedule.TimeZone).DateTime);
            return new AgendaPlacement(meeting, latest, meetingDate <= latest);
        }

        throw new InvalidOperationException($"No committee meeting found within {SearchWeeks} weeks; check the schedule's cancelled dates.");
    }

    /// <summary>The committee's meetings from a local date on, in order.</summary>
    public IEnumerable<DateTimeOffset> MeetingsFrom(DateOnly fromLocalDate)
    {
        var date = fromLocalDate;
        while (date.DayOfWeek != schedule.Day)
        {
            date = date.AddDays(1);
        }

        for (var week = 0; week < SearchWeeks; week++, date = date.AddDays(7))
        {
            if (!calendar.IsWorkingDay(date) || schedule.CancelledDates.Contains(date))
            {
                continue;
            }

            var local = date.ToDateTime(schedule.Time, DateTimeKind.Unspecified);
            yield return new DateTimeOffset(local, schedule.TimeZone.GetUtcOffset(local));
        }
    }
}
