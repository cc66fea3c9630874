using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.MedComSending;
using MedComMailbox.Infrastructure.Reconciliation;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.Tests;
using MedComMailbox.Workflow.Course;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.IntegrationTests.Support;

/// <summary>
/// The mailbox on its embedded default (SQLite file, in-memory bus, development register and letter box) on a fake clock
/// that the test moves. The loops that would act on their own when the clock moves do not run: the workflow sweep and
/// the acknowledgement watchdog are driven by the test (<see cref="SweepAsync"/>), and the housekeeping loops (gauges,
/// reconciliation) are left out, because on a fake clock each elapsed period runs their body once on the thread that
/// moves the clock (see <see cref="FakeClockSettings"/>). One instance per test (xunit creates the test class anew).
/// </summary>
public sealed class FakeClockMailbox : IDisposable
{
    private static readonly Type[] DrivenByTheTest =
        [typeof(WorkflowSweeps), typeof(AcknowledgementWatchdog), typeof(TelemetrySampler), typeof(ReconciliationService)];

    public FakeClockMailbox(IDictionary<string, string?>? settings = null, DateTimeOffset? start = null)
    {
        Clock = new FakeTimeProvider(start ?? FakeClockSettings.Monday);
        var all = new Dictionary<string, string?>(FakeClockSettings.Housekeeping) { ["Workflow:SweepInterval"] = "00:00:00.200" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        App = new MailboxApp(all, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            foreach (var type in DrivenByTheTest)
            {
                services.Remove(services.Single(d => d.ImplementationType == type));
            }
        });
        _ = App.Server;
    }

    public FakeTimeProvider Clock { get; }

    public MailboxApp App { get; }

    public ReferralTriage Triage => App.Services.GetRequiredService<ReferralTriage>();

    public ConsentCommands Consent => App.Services.GetRequiredService<ConsentCommands>();

    public StaffCommands Staff => App.Services.GetRequiredService<StaffCommands>();

    public DeadlineSweep Deadlines => App.Services.GetRequiredService<DeadlineSweep>();

    public CaseQueries Queries => App.Services.GetRequiredService<CaseQueries>();

    public CourseWorkflow Courses => App.Services.GetRequiredService<CourseWorkflow>();

    public CourseQueries CourseQueries => App.Services.GetRequiredService<CourseQueries>();

    public void Dispose() => App.Dispose();

    /// <summary>What the workflow sweep does in production, once: due deadlines, then due letters.</summary>
    public async Task SweepAsync()
    {
        await Deadlines.RunDueDeadlinesAsync(CancellationToken.None);
        await App.Services.GetRequiredService<LetterDispatcher>().SendDueAsync(CancellationToken.None);
    }

    /// <summary>Posts a referral and waits for the triage: the newest case once there are <paramref name="expectedCases"/>.</summary>
    public async Task<Guid> ReferAsync(byte[] body, int expectedCases = 1)
    {
        using var response = await App.PostAsync("/api/intake", body, "application/fhir+json");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        await MailboxApp.Eventually(async () => await App.QuerySingleAsync<long>("SELECT COUNT(*) FROM cases") == expectedCases, "a case opened");
        return Guid.Parse(await App.QuerySingleAsync<string>("SELECT id FROM cases ORDER BY opened_at DESC LIMIT 1"));
    }

    /// <summary>The sample GP referral of a child with two custody holders, its case as opened.</summary>
    public async Task<CaseDetail> OpenedAsync() => await CaseAsync(await ReferAsync(Samples.Referral));

    public async Task<CaseDetail> CaseAsync(Guid id) => (await Queries.GetAsync(id, CancellationToken.None))!;

    /// <summary>Every party gives consent (registered by a health visitor); after the sweep the case is on an agenda.</summary>
    public async Task<CaseDetail> ConsentGivenAsync(Guid id)
    {
        foreach (var party in (await CaseAsync(id)).Parties)
        {
            Assert.True(await Consent.RegisterConsentAsync(id, party.PartyId, ConsentAnswer.Given, "sundhedsplejerske", CancellationToken.None));
        }

        await SweepAsync();
        var onAgenda = await CaseAsync(id);
        Assert.Equal(CaseState.OnAgenda, onAgenda.State);
        return onAgenda;
    }

    /// <summary>Consent given, the meeting started an hour ago, the committee hands the case to PPR, letters sent.</summary>
    public async Task<Guid> DecidedAsync(Guid id)
    {
        var onAgenda = await ConsentGivenAsync(id);
        Clock.SetUtcNow(onAgenda.Agenda!.Meeting.AddHours(1));
        Assert.True(await Staff.RecordDecisionAsync(id, "Forløb hos PPR", "PPR", "Udvalget anbefaler et forløb hos PPR.", "udvalg", CancellationToken.None));
        await SweepAsync();
        return id;
    }
}
