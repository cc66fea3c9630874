using System.Net;
using System.Text;
using Dapper;
using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Referrals;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Referrals;
using MedComMailbox.Workflow.Statistics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>
/// The statistics page and its CSV export over cases seeded straight into the database (every state the workflow can
/// leave a case in), with a fake clock so the default period (the last 12 months) is known.
/// </summary>
public sealed class StatisticsPageTests : IDisposable
{
    private const string Gp = "Lægerne i Eksempelby";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 15, 10, 0, 0, TimeSpan.Zero));
    private readonly MailboxApp _app;

    public StatisticsPageTests()
    {
        _app = Seed.App(_time);
        _ = _app.Server;
    }

    public void Dispose() => _app.Dispose();

    private async Task SeedCasesAsync()
    {
        var copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");
        DateTimeOffset Meeting(int year, int month, int day) => new(new DateTime(year, month, day, 8, 30, 0), copenhagen.GetUtcOffset(new DateTime(year, month, day, 8, 30, 0)));
        DateTimeOffset Utc(int month, int day) => new(2026, month, day, 10, 0, 0, TimeSpan.Zero);

        // Three cases reached the committee: 9, 14 and 16 calendar days; 7, 6 (Easter) and 11 (Ascension Day) working days.
        await Seed.CaseAsync(_app, CaseState.Decided, Utc(2, 2), Gp, "1201149996", consents: [ConsentAnswer.Given, ConsentAnswer.Given],
            consentCompleted: Utc(3, 2), agenda: new AgendaPlacement(Meeting(2026, 3, 11), new DateOnly(2026, 3, 12), true));
        await Seed.CaseAsync(_app, CaseState.OnAgenda, Utc(3, 2), "Børne- og ungdomspsykiatrisk afdeling, Eksempel Region", "2307104996", consents: [ConsentAnswer.Given, ConsentAnswer.Given, ConsentAnswer.Given],
            consentCompleted: Utc(4, 1), agenda: new AgendaPlacement(Meeting(2026, 4, 15), new DateOnly(2026, 4, 16), true));
        await Seed.CaseAsync(_app, CaseState.Decided, Utc(4, 6), "Skolesundhedsplejen, Eksempelby Nord", "0102184996", consents: [ConsentAnswer.Given],
            consentCompleted: Utc(5, 4), agenda: new AgendaPlacement(Meeting(2026, 5, 20), new DateOnly(2026, 5, 15), false));
        // Excluded, one per reason.
        await Seed.CaseAsync(_app, CaseState.ClosedNoConsent, Utc(1, 5), Gp, "1201149996", consents: [ConsentAnswer.Pending, ConsentAnswer.Pending], closedReason: "no consent");
        await Seed.CaseAsync(_app, CaseState.ConsentRefused, Utc(1, 6), Gp, "1201149996", consents: [ConsentAnswer.Given, ConsentAnswer.Refused], closedReason: "consent refused");
        await Seed.CaseAsync(_app, CaseState.ConsentWithdrawn, Utc(1, 7), Gp, "1201149996", consents: [ConsentAnswer.Given, ConsentAnswer.Withdrawn], closedReason: "consent withdrawn");
        await Seed.CaseAsync(_app, CaseState.ClosedByStaff, Utc(1, 8), Gp, "1201149996", consents: [ConsentAnswer.Pending], closedReason: "Uden for målgruppen");
        await Seed.CaseAsync(_app, CaseState.ClosedByStaff, Utc(1, 9), Gp, "1201149996", consents: [ConsentAnswer.Pending], closedReason: "Dublet", linkedCaseId: Guid.NewGuid().ToString());
        // Still waiting, in the other mailbox, a child of 4.
        await Seed.CaseAsync(_app, CaseState.AwaitingConsent, Utc(6, 1), "Lægehuset Nord", "0105224996", consents: [ConsentAnswer.Pending], mailboxGln: Seed.OtherMailbox);
        // Before the default period.
        await Seed.CaseAsync(_app, CaseState.AwaitingConsent, new DateTimeOffset(2025, 1, 10, 10, 0, 0, TimeSpan.Zero), Gp, "1201149996", consents: [ConsentAnswer.Pending]);
    }

    [Fact]
    public async Task The_indicators_of_the_last_twelve_months_count_every_case_by_its_state_sender_age_and_timing()
    {
        await SeedCasesAsync();

        var report = await _app.Services.GetRequiredService<IndicatorQueries>().ReportAsync(StatisticsPeriod.LastTwelveMonths(new DateOnly(2026, 6, 15)), [], CancellationToken.None);

        Assert.Equal(9, report.Referrals);
        Assert.Equal(1, report.ReReferrals);
        Assert.Equal(5, report.Excluded);
        Assert.Equal(
            [(IndicatorQueries.NoConsent, 1), (IndicatorQueries.Refused, 1), (IndicatorQueries.Withdrawn, 1), (IndicatorQueries.Expired, 0),
             (IndicatorQueries.OutOfScope, 1), (IndicatorQueries.ReReferral, 1), (IndicatorQueries.ClosedOther, 0)],
            report.Exclusions.Select(e => (e.Category, e.Count)));
        Assert.Equal(
            [(ReferralRoutes.GeneralPractitioner, 7), (ReferralRoutes.School, 1), (ReferralRoutes.Hospital, 1), (ReferralRoutes.Other, 0)],
            report.Routes.Select(e => (e.Category, e.Count)));
        // Alma (born 12 January 2014) is 11 on the January referrals and 12 on the February one.
        Assert.Equal([1, 6, 1, 1, 0], report.Ages.Select(a => a.Count));
        Assert.Equal(
            [(IndicatorQueries.ConsentGiven, 3), (IndicatorQueries.ConsentRefused, 1), (IndicatorQueries.ConsentLapsed, 1), (IndicatorQueries.ConsentWithdrawn, 1),
             (IndicatorQueries.ConsentPending, 1), (IndicatorQueries.ConsentClosedBefore, 2)],
            report.ConsentOutcomes.Select(e => (e.Category, e.Count)));
        Assert.Equal(new CommitteeTiming(3, 14, 16, 7, 11, 2, 8), report.Committee);
        Assert.Equal(13, report.ReferralsByMonth.Count);
        Assert.Equal(("jan. 2026", 5), (report.ReferralsByMonth[7].Category, report.ReferralsByMonth[7].Count));
    }

    [Fact]
    public async Task The_page_shows_tables_with_bars_and_the_share_within_eight_working_days()
    {
        await SeedCasesAsync();
        using var committee = await PageClient.StaffAsync(_app, "udvalg");

        var (status, html) = await committee.GetPageAsync("/statistik");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<dd id=\"referrals\">9</dd>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"2025-06-16\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"2026-06-15\"", html, StringComparison.Ordinal);
        Assert.Contains("<strong>2 af 3</strong> (66,7 %)", html, StringComparison.Ordinal);
        Assert.Contains($"<th scope=\"row\">{IndicatorQueries.OutOfScope}</th>", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"bar\" aria-hidden=\"true\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/statistik/csv?fra=2025-06-16&amp;til=2026-06-15\"", html, StringComparison.Ordinal);
        // Aggregates only: no child's name or CPR number, and no audit entry.
        Assert.DoesNotContain("1201149996", html, StringComparison.Ordinal);
        Assert.DoesNotContain("120114", html, StringComparison.Ordinal);
        Assert.Equal(0, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM audit_log"));
    }

    [Fact]
    public async Task The_csv_is_utf8_with_a_byte_order_mark_semicolons_and_one_row_per_value()
    {
        await SeedCasesAsync();
        using var committee = await PageClient.StaffAsync(_app, "udvalg");

        using var response = await committee.Http.GetAsync("/statistik/csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("statistik-2025-06-16-2026-06-15.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Indikator;Kategori;Værdi;Periode;Postkasser", lines[0]);
        const string Period = ";2025-06-16 – 2026-06-15;alle";
        Assert.Contains("Henvisninger modtaget;I alt;9" + Period, lines);
        Assert.Contains("Henvisninger modtaget;Heraf genhenvisninger;1" + Period, lines);
        Assert.Contains($"{IndicatorReport.ExclusionsIndicator};{IndicatorQueries.NoConsent};1" + Period, lines);
        Assert.Contains($"{IndicatorReport.RoutesIndicator};{ReferralRoutes.GeneralPractitioner};7" + Period, lines);
        Assert.Contains($"{IndicatorReport.AgesIndicator};6-11 år;6" + Period, lines);
        Assert.Contains($"{IndicatorReport.ConsentIndicator};{IndicatorQueries.ConsentGiven};3" + Period, lines);
        Assert.Contains($"{IndicatorReport.CommitteeIndicator};Median, kalenderdage;14" + Period, lines);
        Assert.Contains($"{IndicatorReport.CommitteeIndicator};Længste, arbejdsdage;11" + Period, lines);
        Assert.Contains($"{IndicatorReport.CommitteeIndicator};Inden for 8 arbejdsdage, procent;66,7" + Period, lines);
        Assert.All(lines, l => Assert.Equal(4, l.Count(c => c == ';')));
    }

    [Fact]
    public async Task A_chosen_period_and_a_mailbox_limit_narrow_the_counts_and_a_bad_date_is_explained()
    {
        await SeedCasesAsync();
        using var admin = await PageClient.StaffAsync(_app, "admin");
        using var limited = await PageClient.StaffAsync(_app, Seed.LimitedOperator);

        var (_, year2025) = await admin.GetPageAsync("/statistik?fra=2025-01-01&til=2025-12-31");
        var (_, oneMailbox) = await admin.GetPageAsync("/statistik?postkasse=" + Seed.OtherMailbox);
        var (_, limitedHtml) = await limited.GetPageAsync("/statistik?postkasse=" + Seed.CoordinationMailbox);
        using var limitedCsv = await limited.Http.GetAsync("/statistik/csv");
        var (badStatus, bad) = await admin.GetPageAsync("/statistik?fra=31-12-2025");
        using var badCsv = await admin.Http.GetAsync("/statistik/csv?fra=2026-02-01&til=2026-01-01");

        Assert.Contains("<dd id=\"referrals\">1</dd>", year2025, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"referrals\">1</dd>", oneMailbox, StringComparison.Ordinal);
        // The limited user asked for a mailbox outside the limit: still only their own mailbox is counted.
        Assert.Contains("<dd id=\"referrals\">1</dd>", limitedHtml, StringComparison.Ordinal);
        Assert.Contains("Henvisninger modtaget;I alt;1;2025-06-16 – 2026-06-15;" + Seed.OtherMailbox, await limitedCsv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, badStatus);
        Assert.Contains("åååå-mm-dd", bad, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"referrals\">9</dd>", bad, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badCsv.StatusCode);
    }

    [Fact]
    public async Task Every_staff_role_may_read_the_statistics_and_a_citizen_may_not()
    {
        using var operatorClient = await PageClient.StaffAsync(_app, "sundhedsplejerske");
        using var citizen = await PageClient.CitizenAsync(_app, "0101901234");

        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetPageAsync("/statistik")).Status);
        using var citizenPage = await citizen.Http.GetAsync("/statistik");
        using var citizenCsv = await citizen.Http.GetAsync("/statistik/csv");
        Assert.Equal(HttpStatusCode.Redirect, citizenPage.StatusCode);
        Assert.StartsWith("/log-ind", PageClient.Location(citizenPage), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, citizenCsv.StatusCode);
    }
}

/// <summary>Rows written straight into the mailbox database, and the app the operations, statistics and start page tests share.</summary>
internal static class Seed
{
    public const string CoordinationMailbox = "5790000991006";
    public const string OtherMailbox = "5790000991013";
    public const string LimitedOperator = "nord";

    /// <summary>
    /// The embedded default with a fake clock, no background sweep (tests act themselves), and the development users
    /// plus one operator limited to the second mailbox.
    /// </summary>
    public static MailboxApp App(TimeProvider time, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Auth:DevelopmentUsers:0:UserName"] = "sundhedsplejerske",
            ["Auth:DevelopmentUsers:0:Name"] = "Sundhedsplejerske (udvikling)",
            ["Auth:DevelopmentUsers:0:Roles:0"] = "operator",
            ["Auth:DevelopmentUsers:1:UserName"] = "udvalg",
            ["Auth:DevelopmentUsers:1:Name"] = "Udvalgsmedlem (udvikling)",
            ["Auth:DevelopmentUsers:1:Roles:0"] = "committee",
            ["Auth:DevelopmentUsers:2:UserName"] = "admin",
            ["Auth:DevelopmentUsers:2:Name"] = "Administrator (udvikling)",
            ["Auth:DevelopmentUsers:2:Roles:0"] = "administrator",
            ["Auth:DevelopmentUsers:2:Roles:1"] = "operator",
            ["Auth:DevelopmentUsers:2:Roles:2"] = "committee",
            ["Auth:DevelopmentUsers:3:UserName"] = LimitedOperator,
            ["Auth:DevelopmentUsers:3:Name"] = "Sundhedsplejen Nord (udvikling)",
            ["Auth:DevelopmentUsers:3:Roles:0"] = "operator",
            ["Auth:DevelopmentUsers:3:Mailboxes:0"] = OtherMailbox,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new MailboxApp(all, s =>
        {
            s.AddSingleton(time);
            s.Remove(s.Single(d => d.ImplementationType == typeof(WorkflowSweeps)));
            services?.Invoke(s);
        });
    }

    public static async Task<int> ExecuteAsync(MailboxApp app, string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False");
        return await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>A case as the workflow stores it (row and snapshot); the consent parties get fictitious ids.</summary>
    public static async Task<string> CaseAsync(
        MailboxApp app, CaseState state, DateTimeOffset openedAt, string? gpName, string childCpr, IReadOnlyList<ConsentAnswer> consents,
        DateTimeOffset? consentCompleted = null, AgendaPlacement? agenda = null, string? closedReason = null, string? linkedCaseId = null,
        string mailboxGln = CoordinationMailbox, DateTimeOffset? consentDeadline = null, DateTimeOffset? meetingAt = null)
    {
        var id = Guid.NewGuid();
        var parties = consents.Select((_, i) => new CaseParty($"01017{i}0000", PartyRole.CustodyHolder, false)).ToList();
        var answers = consents.Select((a, i) => new ConsentParty(parties[i].PartyId, a, a == ConsentAnswer.Pending ? null : consentCompleted ?? openedAt.AddDays(3))).ToList();
        var snapshot = new ReferralCaseSnapshot(id, state, openedAt, false, parties, answers, agenda, null, closedReason);
        await ExecuteAsync(app,
            """
            INSERT INTO cases (id, mailbox_gln, referral_message_id, thread_id, child_cpr, child_name, gp_gln, gp_name, state, linked_case_id,
                               opened_at, closed_at, closed_reason, consent_deadline, consent_completed_at, meeting_at, flagged, party_names, snapshot, version)
            VALUES (@id, @mailboxGln, @referral, NULL, @childCpr, 'Barn Testesen', '5790000882007', @gpName, @state, @linkedCaseId,
                    @openedAt, NULL, @closedReason, @deadline, @completed, @meetingAt, 0, '{}', @snapshot, 1)
            """,
            new
            {
                id = id.ToString(), mailboxGln, referral = Guid.NewGuid().ToString(), childCpr, gpName, state = state.ToString(), linkedCaseId,
                openedAt = openedAt.ToUnixTimeMilliseconds(), closedReason,
                deadline = (consentDeadline ?? openedAt.AddDays(14)).ToUnixTimeMilliseconds(),
                completed = consentCompleted?.ToUnixTimeMilliseconds(),
                meetingAt = (meetingAt ?? agenda?.Meeting)?.ToUnixTimeMilliseconds(),
                snapshot = CaseStore.Serialize(snapshot),
            });
        return id.ToString();
    }

    /// <summary>A stored message row (no real MedCom content: the pages under test read only the columns).</summary>
    public static async Task<string> MessageAsync(
        MailboxApp app, string direction, string status, DateTimeOffset receivedAt, string? mailboxGln, string kind = "CareCommunication",
        string? errorCodes = null, string? senderGln = "5790000882007", string? receiverGln = null, int sendAttempts = 0)
    {
        var id = Guid.NewGuid().ToString();
        await ExecuteAsync(app,
            """
            INSERT INTO messages (id, direction, status, channel, received_at, kind, syntax, mailbox_gln, sender_gln, receiver_gln, error_codes,
                                  send_attempts, last_sent_at, size_bytes, raw_sha256, raw)
            VALUES (@id, @direction, @status, 'http', @at, @kind, 'FhirJson', @mailboxGln, @senderGln, @receiverGln, @errorCodes,
                    @sendAttempts, @lastSent, 2, 'x', @raw)
            """,
            new
            {
                id, direction, status, at = receivedAt.ToUnixTimeMilliseconds(), kind, mailboxGln, senderGln, receiverGln, errorCodes, sendAttempts,
                lastSent = direction == "out" ? receivedAt.ToUnixTimeMilliseconds() : (long?)null, raw = "{}"u8.ToArray(),
            });
        return id;
    }

    /// <summary>A Digital Post letter of a case.</summary>
    public static async Task<string> LetterAsync(MailboxApp app, string caseId, string status, DateTimeOffset createdAt, string? errorCode = null)
    {
        var id = Guid.NewGuid().ToString();
        await ExecuteAsync(app,
            """
            INSERT INTO letters (id, case_id, kind, party_id, party_role, recipient_name, title, body, status, attempts, next_attempt_at, error_code, status_code, created_at, status_at)
            VALUES (@id, @caseId, 'ConsentRequest', '0101700000', 'CustodyHolder', 'Forælder Testesen', 'Anmodning om samtykke', 'Brevtekst', @status, 3, @at, @errorCode, @statusCode, @at, @at)
            """,
            new { id, caseId, status, at = createdAt.ToUnixTimeMilliseconds(), errorCode, statusCode = status == "failed" ? "Fejlet" : null });
        return id;
    }
}
