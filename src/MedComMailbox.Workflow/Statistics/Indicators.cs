using System.Globalization;

namespace MedComMailbox.Workflow.Statistics;

// The evaluation's indicators as the statistics page and its CSV export show them. Aggregates only: no names, no CPR
// numbers, so showing them needs no audit entry.

/// <summary>A period of whole days in Danish time, both ends included.</summary>
public sealed record StatisticsPeriod(DateOnly From, DateOnly To)
{
    /// <summary>The last 12 months up to and including <paramref name="today"/>.</summary>
    public static StatisticsPeriod LastTwelveMonths(DateOnly today) => new(today.AddMonths(-12).AddDays(1), today);
}

/// <summary>One category of an indicator and how many cases fall in it.</summary>
public sealed record IndicatorCount(string Category, int Count);

/// <summary>Days from complete consent to the committee meeting, over the cases that were placed on an agenda.</summary>
/// <param name="Cases">Cases placed on a meeting's agenda.</param>
/// <param name="WithinDeadline">Of those, placed on a meeting within the working-day limit after consent (the workflow's own verdict at placement).</param>
public sealed record CommitteeTiming(int Cases, double? MedianDays, int? MaxDays, double? MedianWorkingDays, int? MaxWorkingDays, int WithinDeadline, int MaxWorkingDaysAllowed)
{
    /// <summary>The share within the limit, 0–1; null without cases.</summary>
    public double? ShareWithinDeadline => Cases == 0 ? null : (double)WithinDeadline / Cases;
}

/// <summary>
/// One deadline of the course after the decision (decision → start meeting, start → first follow-up): how many courses
/// reached the step, how many held the meeting within the deadline, after it, or have no date at all.
/// </summary>
public sealed record CourseTiming(string Name, int DeadlineDays, int Cases, int WithinDeadline, int Late, int MissingDate, double? MedianDays)
{
    public double? ShareWithinDeadline => Cases == 0 ? null : (double)WithinDeadline / Cases;

    public IReadOnlyList<IndicatorCount> Counts() =>
        [new("Inden for fristen", WithinDeadline), new("Efter fristen", Late), new("Ingen mødedato", MissingDate)];
}

/// <summary>One value of the export: one CSV row.</summary>
public sealed record IndicatorValue(string Indicator, string Category, string Value);

/// <summary>Every indicator for one period (cases counted by the day their referral opened them).</summary>
public sealed record IndicatorReport(
    StatisticsPeriod Period,
    IReadOnlyCollection<string> Mailboxes,
    int Referrals,
    int ReReferrals,
    IReadOnlyList<IndicatorCount> ReferralsByMonth,
    IReadOnlyList<IndicatorCount> Exclusions,
    IReadOnlyList<IndicatorCount> Routes,
    IReadOnlyList<IndicatorCount> Ages,
    IReadOnlyList<IndicatorCount> ConsentOutcomes,
    CommitteeTiming Committee,
    IReadOnlyList<CourseTiming> Course)
{
    public const string ReferralsIndicator = "Henvisninger modtaget";
    public const string MonthIndicator = "Henvisninger pr. måned";
    public const string ExclusionsIndicator = "Sager afsluttet uden udvalgsbehandling";
    public const string RoutesIndicator = "Henvisningsvej";
    public const string AgesIndicator = "Barnets alder ved henvisning";
    public const string ConsentIndicator = "Samtykke";
    public const string CommitteeIndicator = "Fra samtykke til udvalgsmøde";

    private static readonly CultureInfo Danish = CultureInfo.GetCultureInfo("da-DK");

    public int Excluded => Exclusions.Sum(e => e.Count);

    /// <summary>Every indicator value, in the page's order (Danish number format, as Danish Excel reads it).</summary>
    public IReadOnlyList<IndicatorValue> Values()
    {
        var values = new List<IndicatorValue>
        {
            new(ReferralsIndicator, "I alt", Number(Referrals)),
            new(ReferralsIndicator, "Heraf genhenvisninger", Number(ReReferrals)),
        };
        values.AddRange(ReferralsByMonth.Select(m => new IndicatorValue(MonthIndicator, m.Category, Number(m.Count))));
        values.AddRange(Exclusions.Select(e => new IndicatorValue(ExclusionsIndicator, e.Category, Number(e.Count))));
        values.AddRange(Routes.Select(e => new IndicatorValue(RoutesIndicator, e.Category, Number(e.Count))));
        values.AddRange(Ages.Select(e => new IndicatorValue(AgesIndicator, e.Category, Number(e.Count))));
        values.AddRange(ConsentOutcomes.Select(e => new IndicatorValue(ConsentIndicator, e.Category, Number(e.Count))));
        var c = Committee;
        values.Add(new(CommitteeIndicator, "Sager sat på dagsordenen", Number(c.Cases)));
        values.Add(new(CommitteeIndicator, "Median, kalenderdage", OneDecimal(c.MedianDays)));
        values.Add(new(CommitteeIndicator, "Længste, kalenderdage", c.MaxDays is { } max ? Number(max) : ""));
        values.Add(new(CommitteeIndicator, "Median, arbejdsdage", OneDecimal(c.MedianWorkingDays)));
        values.Add(new(CommitteeIndicator, "Længste, arbejdsdage", c.MaxWorkingDays is { } maxWorking ? Number(maxWorking) : ""));
        values.Add(new(CommitteeIndicator, $"Inden for {c.MaxWorkingDaysAllowed} arbejdsdage, antal", Number(c.WithinDeadline)));
        values.Add(new(CommitteeIndicator, $"Inden for {c.MaxWorkingDaysAllowed} arbejdsdage, procent", Percent(c.ShareWithinDeadline)));
        foreach (var t in Course)
        {
            values.Add(new(t.Name, "Forløb", Number(t.Cases)));
            values.Add(new(t.Name, "Inden for fristen, antal", Number(t.WithinDeadline)));
            values.Add(new(t.Name, "Inden for fristen, procent", Percent(t.ShareWithinDeadline)));
            values.Add(new(t.Name, "Efter fristen, antal", Number(t.Late)));
            values.Add(new(t.Name, "Ingen mødedato, antal", Number(t.MissingDate)));
            values.Add(new(t.Name, "Median, kalenderdage", OneDecimal(t.MedianDays)));
        }
        return values;
    }

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string OneDecimal(double? value) => value is { } v ? v.ToString("0.#", Danish) : "";

    public static string Percent(double? share) => share is { } s ? (s * 100).ToString("0.#", Danish) : "";
}
