using MedComMailbox.Core.Calendar;
using MedComMailbox.Core.Committee;

namespace MedComMailbox.Core.Tests;

public sealed class AgendaPlannerTests
{
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");

    private static DateTimeOffset Local(int y, int m, int d, int h, int min)
    {
        var local = new DateTime(y, m, d, h, min, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Copenhagen.GetUtcOffset(local));
    }

    private static AgendaPlanner Planner(CommitteeSchedule? schedule = null) => new(schedule ?? CommitteeSchedule.Default, new WorkingDayCalendar());

    [Fact]
    public void Monday_consent_goes_to_next_weeks_wednesday_when_reading_time_runs_past_this_one()
    {
        var placement = Planner().Place(Local(2026, 11, 16, 10, 0));

        Assert.Equal(Local(2026, 11, 25, 8, 30), placement.Meeting);
        Assert.Equal(new DateOnly(2026, 11, 26), placement.LatestAllowed);
        Assert.True(placement.WithinDeadline);
    }

    [Fact]
    public void Early_monday_consent_makes_this_wednesday()
    {
        var placement = Planner().Place(Local(2026, 11, 16, 8, 0));

        Assert.Equal(Local(2026, 11, 18, 8, 30), placement.Meeting);
    }

    [Fact]
    public void Meetings_on_closing_days_are_skipped()
    {
        // 24 and 31 Dec 2025 are Wednesdays and closing days: the first meeting is 7 Jan, still within 8 working days.
        var placement = Planner().Place(Local(2025, 12, 22, 9, 0));

        Assert.Equal(Local(2026, 1, 7, 8, 30), placement.Meeting);
        Assert.True(placement.WithinDeadline);
    }

    [Fact]
    public void A_case_that_cannot_make_the_window_is_flagged()
    {
        var schedule = CommitteeSchedule.Default with { CancelledDates = new HashSet<DateOnly> { new(2026, 11, 25) } };

        var placement = Planner(schedule).Place(Local(2026, 11, 19, 10, 0));

        Assert.Equal(Local(2026, 12, 2, 8, 30), placement.Meeting);
        Assert.Equal(new DateOnly(2026, 12, 1), placement.LatestAllowed);
        Assert.False(placement.WithinDeadline);
    }

    [Fact]
    public void Summer_meetings_carry_summer_time()
    {
        var placement = Planner().Place(Local(2026, 6, 29, 7, 0));

        Assert.Equal(TimeSpan.FromHours(2), placement.Meeting.Offset);
        Assert.Equal(new DateTime(2026, 7, 1, 6, 30, 0, DateTimeKind.Utc), placement.Meeting.UtcDateTime);
    }
}
