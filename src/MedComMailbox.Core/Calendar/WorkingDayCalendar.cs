namespace MedComMailbox.Core.Calendar;

/// <summary>
/// Working days for municipal deadlines: Monday to Friday, less Danish public holidays and the
/// municipality's own closing days (by default Constitution Day, Christmas Eve and New Year's Eve,
/// which most municipalities keep closed; configurable).
/// </summary>
public sealed class WorkingDayCalendar
{
    /// <summary>Closing days most Danish municipalities keep besides the public holidays (month, day).</summary>
    public static readonly IReadOnlyList<(int Month, int Day)> DefaultExtraClosedDays = [(6, 5), (12, 24), (12, 31)];

    private readonly IReadOnlyList<(int Month, int Day)> _extraClosedDays;
    private readonly Dictionary<int, HashSet<DateOnly>> _holidaysByYear = [];
    private readonly Lock _gate = new();

    public WorkingDayCalendar(IEnumerable<(int Month, int Day)>? extraClosedDays = null)
    {
        _extraClosedDays = (extraClosedDays ?? DefaultExtraClosedDays).ToList();
    }

    public bool IsWorkingDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !ClosedDays(date.Year).Contains(date);

    /// <summary>The date that lies <paramref name="workingDays"/> working days after <paramref name="start"/> (the start day itself not counted).</summary>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var date = start;
        var counted = 0;
        while (counted < workingDays)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date))
            {
                counted++;
            }
        }

        return date;
    }

    /// <summary>Working days after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1))
        {
            if (IsWorkingDay(d))
            {
                count++;
            }
        }

        return count;
    }

    private HashSet<DateOnly> ClosedDays(int year)
    {
        lock (_gate)
        {
            if (!_holidaysByYear.TryGetValue(year, out var set))
            {
                set = DanishHolidays.For(year).Select(h => h.Date).ToHashSet();
                foreach (var (month, day) in _extraClosedDays)
                {
                    set.Add(new DateOnly(year, month, day));
                }

                _holidaysByYear[year] = set;
            }

            return set;
        }
    }
}
