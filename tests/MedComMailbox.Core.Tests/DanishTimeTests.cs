using MedComMailbox.Core.Time;

namespace MedComMailbox.Core.Tests;

public sealed class DanishTimeTests
{
    [Fact]
    public void Winter_is_one_hour_ahead_of_utc_and_summer_two_and_the_switch_is_the_last_sunday_of_march()
    {
        Assert.Equal(TimeSpan.FromHours(1), DanishTime.OffsetAt(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(TimeSpan.FromHours(2), DanishTime.OffsetAt(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(TimeSpan.FromHours(1), DanishTime.OffsetAt(new DateTimeOffset(2026, 3, 29, 0, 59, 0, TimeSpan.Zero)));
        Assert.Equal(TimeSpan.FromHours(2), DanishTime.OffsetAt(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void A_danish_wall_clock_time_becomes_the_right_instant_and_back()
    {
        var meeting = DanishTime.FromDanish(new DateTime(2026, 11, 18, 8, 30, 0));
        Assert.Equal(new DateTimeOffset(2026, 11, 18, 7, 30, 0, TimeSpan.Zero), meeting.ToUniversalTime());
        Assert.Equal(new DateTime(2026, 11, 18, 8, 30, 0), DanishTime.ToDanish(meeting.ToUniversalTime()).DateTime);
        Assert.Equal(DanishTime.ZoneId, DanishTime.Zone.Id);
    }
}
