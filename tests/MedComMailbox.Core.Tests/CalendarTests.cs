using MedComMailbox.Core.Calendar;

namespace MedComMailbox.Core.Tests;

public sealed class CalendarTests
{
    [Theory]
    [InlineData(2024, 3, 31)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2038, 4, 25)]
    [InlineData(2000, 4, 23)]
    public void Easter_sunday_is_computed(int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), DanishHolidays.EasterSunday(year));

    [Fact]
    public void Holidays_2026_are_the_official_ones()
    {
        var dates = DanishHolidays.For(2026).Select(h => h.Date.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(["01-01", "04-02", "04-03", "04-05", "04-06", "05-14", "05-24", "05-25", "12-25", "12-26"], dates);
    }

    [Fact]
    public void Great_prayer_day_only_before_2024()
    {
        Assert.Contains(DanishHolidays.For(2023), h => h.Name == "Store bededag" && h.Date == new DateOnly(2023, 5, 5));
        Assert.DoesNotContain(DanishHolidays.For(2024), h => h.Name == "Store bededag");
    }

    [Fact]
    public void Eight_working_days_skip_weekends()
    {
        var calendar = new WorkingDayCalendar();

        Assert.Equal(new DateOnly(2026, 11, 26), calendar.AddWorkingDays(new DateOnly(2026, 11, 16), 8));
    }

    [Fact]
    public void Eight_working_days_over_christmas_and_new_year()
    {
        var calendar = new WorkingDayCalendar();

        // 23, 29, 30 Dec, 2, 5, 6, 7, 8 Jan: 24 and 31 Dec are closing days, 25, 26 Dec and 1 Jan holidays.
        Assert.Equal(new DateOnly(2026, 1, 8), calendar.AddWorkingDays(new DateOnly(2025, 12, 22), 8));
    }

    [Fact]
    public void Easter_week_counts_only_three_working_days()
    {
        var calendar = new WorkingDayCalendar();

        Assert.Equal(3, calendar.WorkingDaysBetween(new DateOnly(2026, 3, 29), new DateOnly(2026, 4, 6)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 4, 2)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 4, 1)));
    }

    [Fact]
    public void Extra_closed_days_are_configurable()
    {
        var none = new WorkingDayCalendar([]);

        Assert.True(none.IsWorkingDay(new DateOnly(2025, 12, 24)));
        Assert.False(new WorkingDayCalendar().IsWorkingDay(new DateOnly(2025, 12, 24)));
    }
}
