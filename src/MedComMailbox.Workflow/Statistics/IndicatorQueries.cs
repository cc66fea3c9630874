using System.Globalization;
using Dapper;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.People;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Statistics;

/// <summary>
/// The evaluation's indicators ("What the evaluation measured"), computed from the cases the workflow stores, so nobody
/// counts by hand. A case belongs to the period in which its referral opened it; every indicator counts those cases.
/// </summary>
public sealed class IndicatorQueries(CaseStore cases, IOptions<WorkflowOptions> options)
{
    // Exclusions: why a case ended without the committee.
    public const string NoConsent = "Intet samtykke inden fristen";
    public const string Refused = "Samtykke afvist";
    public const string Withdrawn = "Samtykke trukket tilbage";
    public const string Expired = "Samtykke udløbet";
    public const string OutOfScope = "Uden for målgruppen";
    public const string ReReferral = "Genhenvisning";
    public const string ClosedOther = "Lukket af medarbejder, anden årsag";

    public static readonly IReadOnlyList<string> ExclusionReasons = [NoConsent, Refused, Withdrawn, Expired, OutOfScope, ReReferral, ClosedOther];

    // Consent outcomes per case.
    public const string ConsentGiven = "Givet af alle";
    public const string ConsentRefused = "Afvist";
    public const string ConsentLapsed = "Bortfaldet uden svar";
    public const string ConsentWithdrawn = "Trukket tilbage";
    public const string ConsentPending = "Afventer svar";
    public const string ConsentClosedBefore = "Sagen lukket før svar";

    public static readonly IReadOnlyList<string> ConsentOutcomes = [ConsentGiven, ConsentRefused, ConsentLapsed, ConsentWithdrawn, ConsentPending, ConsentClosedBefore];

    public static readonly IReadOnlyList<string> AgeBands = ["0-5 år", "6-11 år", "12-14 år", "15-17 år", "18 år eller ældre / ukendt"];

    private static readonly CultureInfo Danish = CultureInfo.GetCultureInfo("da-DK");

    /// <param name="mailboxes">The location numbers to count; empty = every mailbox.</param>
    public async Task<IndicatorReport> ReportAsync(StatisticsPeriod period, IReadOnlyCollection<string> mailboxes, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var zone = o.Schedule().TimeZone;
        var calendar = o.Calendar();
        var from = LocalMidnight(period.From, zone);
        var until = LocalMidnight(period.To.AddDays(1), zone);

        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        // The CPR number is read only to compute the age band; nothing personal leaves this method.
        var rows = (await connection.QueryAsync<Row>(
            """
            SELECT mailbox_gln, child_cpr, gp_name, state, linked_case_id, opened_at, closed_reason, consent_completed_at, snapshot
            FROM cases
            WHERE opened_at >= @from AND opened_at < @until
            """ + (mailboxes.Count > 0 ? " AND mailbox_gln IN @mailboxes" : ""),
            new { from = from.ToUnixTimeMilliseconds(), until = until.ToUnixTimeMilliseconds(), mailboxes })).AsList();

        var exclusions = Counter(ExclusionReasons);
        var routes = Counter(ReferralRoutes.All);
        var ages = Counter(AgeBands);
        var consents = Counter(ConsentOutcomes);
        var months = Months(period);
        var days = new List<int>();
        var workingDays = new List<int>();
        var within = 0;

        foreach (var row in rows)
        {
            var state = Enum.Parse<CaseState>(row.State);
            var snapshot = CaseStore.Deserialize(row.Snapshot);
            var opened = LocalDate(DateTimeOffset.FromUnixTimeMilliseconds(row.OpenedAt), zone);
            var month = MonthLabel(opened);
            if (months.TryGetValue(month, out var inMonth))
            {
                months[month] = inMonth + 1;
            }

            if (Exclusion(state, row.ClosedReason, row.LinkedCaseId) is { } reason)
            {
                exclusions[reason]++;
            }

            routes[ReferralRoutes.Classify(row.GpName)]++;
            ages[AgeBand(row.ChildCpr, opened)]++;
            consents[ConsentOutcome(state, snapshot.Consents)]++;

            if (snapshot.Agenda is { } agenda && ConsentCompleted(row, snapshot.Consents) is { } consented)
            {
                var consentDate = LocalDate(consented, zone);
                var meetingDate = LocalDate(agenda.Meeting, zone);
                days.Add(meetingDate.DayNumber - consentDate.DayNumber);
                workingDays.Add(calendar.WorkingDaysBetween(consentDate, meetingDate));
                within += agenda.WithinDeadline ? 1 : 0;
            }
        }

        var course = await CourseTimingAsync(connection, from, until, mailboxes, zone);
        var timing = new CommitteeTiming(
            days.Count, Median(days), days.Count == 0 ? null : days.Max(), Median(workingDays), workingDays.Count == 0 ? null : workingDays.Max(),
            within, o.CommitteeMeetings.MaxWorkingDaysAfterConsent);
        return new IndicatorReport(
            period, mailboxes, rows.Count, rows.Count(r => r.LinkedCaseId is not null),
            months.Select(m => new IndicatorCount(m.Key, m.Value)).ToList(),
            List(exclusions), List(routes), List(ages), List(consents), timing, course);
    }

    public const string DecisionToStart = "Fra afgørelse til opstartsmøde";
    public const string StartToFollowUp = "Fra opstartsmøde til opfølgningsmøde";

    /// <summary>The course's two deadlines over the decided cases of the period (the pilot: 10 of 13 and 3 of 13 met).</summary>
    private async Task<IReadOnlyList<CourseTiming>> CourseTimingAsync(
        System.Data.Common.DbConnection connection, DateTimeOffset from, DateTimeOffset until, IReadOnlyCollection<string> mailboxes, TimeZoneInfo zone)
    {
        var rows = (await connection.QueryAsync<(long DecidedAt, long StartDeadline, long? StartHeldAt, long? FollowupDeadline, long? FollowupHeldAt)>(
            """
            SELECT co.decided_at, co.start_deadline, co.start_held_at, co.followup_deadline, co.followup_held_at
            FROM courses co JOIN cases c ON c.id = co.case_id
            WHERE c.opened_at >= @from AND c.opened_at < @until
            """ + (mailboxes.Count > 0 ? " AND c.mailbox_gln IN @mailboxes" : ""),
            new { from = from.ToUnixTimeMilliseconds(), until = until.ToUnixTimeMilliseconds(), mailboxes })).AsList();
        var o = options.Value.Course;
        return
        [
            Timing(DecisionToStart, o.StartWithin, zone, rows.Select(r => (r.DecidedAt, r.StartDeadline, r.StartHeldAt))),
            Timing(StartToFollowUp, o.FollowUpWithin, zone, rows.Where(r => r.StartHeldAt is not null && r.FollowupDeadline is not null)
                .Select(r => (r.StartHeldAt!.Value, r.FollowupDeadline!.Value, r.FollowupHeldAt))),
        ];
    }

    private static CourseTiming Timing(string name, TimeSpan within, TimeZoneInfo zone, IEnumerable<(long From, long Deadline, long? Held)> steps)
    {
        var list = steps.ToList();
        var days = list.Where(s => s.Held is not null)
            .Select(s => LocalDate(DateTimeOffset.FromUnixTimeMilliseconds(s.Held!.Value), zone).DayNumber - LocalDate(DateTimeOffset.FromUnixTimeMilliseconds(s.From), zone).DayNumber)
            .ToList();
        return new CourseTiming(name, (int)within.TotalDays, list.Count, list.Count(s => s.Held is { } h && h < s.Deadline), list.Count(s => s.Held is { } h && h >= s.Deadline),
            list.Count(s => s.Held is null), Median(days));
    }

    /// <summary>Why a case ended without the committee's decision; null for a case that is open or was decided.</summary>
    public static string? Exclusion(CaseState state, string? closedReason, string? linkedCaseId) => state switch
    {
        CaseState.ClosedNoConsent => NoConsent,
        CaseState.ConsentRefused => Refused,
        CaseState.ConsentWithdrawn => Withdrawn,
        CaseState.ConsentExpired => Expired,
        // Staff write the reason freely; the case page suggests "Uden for målgruppen".
        CaseState.ClosedByStaff when Mentions(closedReason, "målgruppe") => OutOfScope,
        CaseState.ClosedByStaff when linkedCaseId is not null || Mentions(closedReason, "genhenvis") => ReReferral,
        CaseState.ClosedByStaff => ClosedOther,
        _ => null,
    };

    /// <summary>The case's consent outcome. A refusal or withdrawal by anyone decides it; a child's consent counts like a parent's.</summary>
    public static string ConsentOutcome(CaseState state, IReadOnlyList<ConsentParty> consents)
    {
        if (consents.Any(c => c.Answer == ConsentAnswer.Withdrawn))
        {
            return ConsentWithdrawn;
        }

        if (consents.Any(c => c.Answer == ConsentAnswer.Refused))
        {
            return ConsentRefused;
        }

        if (consents.Count > 0 && consents.All(c => c.Answer == ConsentAnswer.Given))
        {
            return ConsentGiven;
        }

        return state switch
        {
            CaseState.ClosedNoConsent => ConsentLapsed,
            CaseState.AwaitingConsent or CaseState.CheckingCustody => ConsentPending,
            _ => ConsentClosedBefore,
        };
    }

    public static string AgeBand(string childCpr, DateOnly referredOn)
    {
        if (!CprNumber.TryParse(childCpr, out var cpr))
        {
            return AgeBands[^1];
        }

        return cpr.Value.AgeOn(referredOn) switch
        {
            < 0 => AgeBands[^1],
            <= 5 => AgeBands[0],
            <= 11 => AgeBands[1],
            <= 14 => AgeBands[2],
            <= 17 => AgeBands[3],
            _ => AgeBands[^1],
        };
    }

    public static double? Median(IReadOnlyList<int> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    // The column holds the moment the last consent came in while all consent holds; after a later withdrawal it is
    // empty, and the latest "given" answer in the snapshot is the best the case still knows.
    private static DateTimeOffset? ConsentCompleted(Row row, IReadOnlyList<ConsentParty> consents) =>
        row.ConsentCompletedAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) :
        consents.Where(c => c.Answer == ConsentAnswer.Given && c.AnsweredAt is not null).Max(c => c.AnsweredAt);

    private static bool Mentions(string? text, string word) => text?.Contains(word, StringComparison.OrdinalIgnoreCase) == true;

    private static Dictionary<string, int> Counter(IEnumerable<string> categories) => categories.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);

    private static List<IndicatorCount> List(Dictionary<string, int> counter) => counter.Select(c => new IndicatorCount(c.Key, c.Value)).ToList();

    private static Dictionary<string, int> Months(StatisticsPeriod period)
    {
        // Insertion order is the month order: the chart reads left to right.
        var months = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var m = new DateOnly(period.From.Year, period.From.Month, 1); m <= period.To && months.Count < 240; m = m.AddMonths(1))
        {
            months[MonthLabel(m)] = 0;
        }

        return months;
    }

    private static string MonthLabel(DateOnly date) => date.ToString("MMM yyyy", Danish);

    private static DateOnly LocalDate(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    private static DateTimeOffset LocalMidnight(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private sealed class Row
    {
        public string MailboxGln { get; set; } = "";
        public string ChildCpr { get; set; } = "";
        public string? GpName { get; set; }
        public string State { get; set; } = "";
        public string? LinkedCaseId { get; set; }
        public long OpenedAt { get; set; }
        public string? ClosedReason { get; set; }
        public long? ConsentCompletedAt { get; set; }
        public string Snapshot { get; set; } = "";
    }
}
