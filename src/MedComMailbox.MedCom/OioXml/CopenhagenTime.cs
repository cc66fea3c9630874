using System.Globalization;

namespace MedComMailbox.MedCom.OioXml;

/// <summary>OIOXML dates and times carry no offset: they are Danish local time.</summary>
internal static class CopenhagenTime
{
    public static TimeZoneInfo Zone { get; } = FindZone();

    /// <summary>An OIOXML Date (yyyy-MM-dd) and Time (HH:mm, seconds tolerated) as an instant, or null when either is unreadable.</summary>
    public static DateTimeOffset? Parse(string? date, string? time)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            || !TimeOnly.TryParseExact(time, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
        {
            return null;
        }

        // A time in the spring-forward gap or the autumn overlap gets the standard offset; a minute's ambiguity twice a year is harmless here.
        return Local(day.ToDateTime(clock, DateTimeKind.Unspecified));
    }

    /// <summary>An xs:dateTime; one without an offset (as in MedCom's VANS examples) is Danish local time.</summary>
    public static DateTimeOffset? ParseXmlDateTime(string? value)
    {
        if (!DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
        {
            return null;
        }

        if (parsed.Kind == DateTimeKind.Unspecified)
        {
            return Local(parsed);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset) ? withOffset : null;
    }

    /// <summary>The OIOXML Date and Time (HH:mm) of an instant, in Danish local time.</summary>
    public static (string Date, string Time) Format(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Zone);
        return (local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), local.ToString("HH:mm", CultureInfo.InvariantCulture));
    }

    /// <summary>An xs:dateTime in Danish local time with its offset, e.g. 2024-03-01T09:30:00+01:00.</summary>
    public static string FormatXmlDateTime(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Local(DateTime local)
    {
        try
        {
            return new DateTimeOffset(local, Zone.GetUtcOffset(local));
        }
        catch (ArgumentOutOfRangeException)
        {
            // 0001-01-01 00:30 in Copenhagen is before DateTimeOffset.MinValue in UTC.
            return null;
        }
    }

    private static TimeZoneInfo FindZone()
    {
        if (TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Copenhagen", out var zone))
        {
            return zone;
        }

        // Slim containers may lack tzdata; Denmark follows the EU rule (last Sunday of March and October) since 1996.
        var start = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday);
        var end = TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday);
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(new DateTime(1996, 1, 1), DateTime.MaxValue.Date, TimeSpan.FromHours(1), start, end);
        return TimeZoneInfo.CreateCustomTimeZone("Europe/Copenhagen", TimeSpan.FromHours(1), "Europe/Copenhagen", "CET", "CEST", [rule]);
    }
}
