namespace MedComMailbox.Core.Time;

/// <summary>
/// Danish time, as people read it on pages and in letters: the Europe/Copenhagen zone from the machine's time zone
/// database, or, where a slim container has none, Denmark's rule since 1996 (CET, CEST from the last Sunday of March to
/// the last Sunday of October). Never UTC by accident. The one place Workflow, Web and Core take the zone from;
/// MedCom's wire formats have their own (MedCom references nothing).
/// </summary>
public static class DanishTime
{
    public const string ZoneId = "Europe/Copenhagen";

    public static TimeZoneInfo Zone { get; } = FindZone();

    /// <summary>The instant as a Danish wall-clock time (with its offset).</summary>
    public static DateTimeOffset ToDanish(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>A Danish wall-clock time (e.g. a form's <c>datetime-local</c>) as an instant.</summary>
    public static DateTimeOffset FromDanish(DateTime local) => new(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Zone.GetUtcOffset(local));

    /// <summary>The offset Denmark had at <paramref name="instant"/>.</summary>
    public static TimeSpan OffsetAt(DateTimeOffset instant) => Zone.GetUtcOffset(instant);

    private static TimeZoneInfo FindZone()
    {
        if (TimeZoneInfo.TryFindSystemTimeZoneById(ZoneId, out var zone))
        {
            return zone;
        }

        var start = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday);
        var end = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday);
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(new DateTime(1996, 1, 1), DateTime.MaxValue.Date, TimeSpan.FromHours(1), start, end);
        return TimeZoneInfo.CreateCustomTimeZone(ZoneId, TimeSpan.FromHours(1), ZoneId, "CET", "CEST", [rule]);
    }
}
