using MedComMailbox.Core.Calendar;

namespace MedComMailbox.Core.Course;

/// <summary>The course's deadlines as a municipality configures them (the pilot: 4 weeks, 6 weeks).</summary>
public sealed record CourseRules(
    TimeSpan StartWithin,
    TimeSpan FollowUpWithin,
    TimeSpan ReminderBefore,
    TimeSpan PlanNextWithin,
    WorkingDayCalendar Calendar,
    TimeZoneInfo TimeZone)
{
    /// <summary>
    /// The last day a meeting may be held: <paramref name="from"/> plus <paramref name="within"/>, moved forward to the
    /// next working day when it falls on a weekend or a closing day.
    /// </summary>
    public DateOnly DeadlineAfter(DateTimeOffset from, TimeSpan within)
    {
        var day = LocalDate(from.Add(within));
        while (!Calendar.IsWorkingDay(day))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);

    /// <summary>Midnight after the deadline day, local time: from then the deadline is missed.</summary>
    public DateTimeOffset EndOf(DateOnly day)
    {
        var local = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
    }
}
