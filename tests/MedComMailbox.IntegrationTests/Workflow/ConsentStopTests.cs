using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Course;
using MedComMailbox.Core.Referrals;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Course;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Workflow;

/// <summary>
/// "No case left unseen" on the embedded default (SQLite file, development register and letter box) on a fake clock:
/// refused, withdrawn and expired consent as distinct states on the "kræver handling" list until a person closes them;
/// who is told (the GP by MedCom, the other parties by Digital Post, the responsible party after a decision); no
/// decision before the committee meeting has started.
/// </summary>
public sealed class ConsentStopTests : IDisposable
{
    private readonly FakeClockMailbox _host = new();

    public void Dispose() => _host.Dispose();

    private async Task<CaseDetail> OnAgendaAsync() => await _host.ConsentGivenAsync((await _host.OpenedAsync()).Id);

    private async Task<long> CountAsync(string sql, Guid id) => await _host.App.QuerySingleAsync<long>(sql, new { id = id.ToString() });

    [Fact]
    public async Task A_refusal_tells_the_gp_and_the_other_holder_and_stays_on_the_list_until_a_person_closes_it_with_a_reason()
    {
        var opened = await _host.OpenedAsync();
        var (refuser, other) = (opened.Parties[0].PartyId, opened.Parties[1].PartyId);

        Assert.True(await _host.Consent.RegisterConsentAsync(opened.Id, refuser, ConsentAnswer.Refused, "sundhedsplejerske", CancellationToken.None));
        await _host.SweepAsync();

        var refused = (await _host.Queries.GetAsync(opened.Id, CancellationToken.None))!;
        Assert.Equal(CaseState.ConsentRefused, refused.State);
        Assert.True(refused.NeedsAction);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM case_messages WHERE case_id = @id AND role = 'ConsentStopped'", opened.Id));
        var stopLetter = Assert.Single(refused.Letters, l => l.Kind == Core.Letters.LetterKind.ConsentStopped);
        Assert.Equal(other, stopLetter.PartyId); // the other holder, not the one who refused
        Assert.Equal("delivered", stopLetter.Status);
        Assert.Equal(opened.Id, Assert.Single(await _host.Queries.NeedsActionAsync([], CancellationToken.None)).Id);
        Assert.Equal(1, await _host.Queries.NeedsActionCountAsync([], CancellationToken.None));
        Assert.Equal(0, await _host.Queries.NeedsActionCountAsync(["5790000000000"], CancellationToken.None)); // another mailbox sees none

        // Time alone does not take it off the list.
        _host.Clock.Advance(TimeSpan.FromDays(60));
        await _host.SweepAsync();
        Assert.Equal(1, await _host.Queries.NeedsActionCountAsync([], CancellationToken.None));

        // A person closes it with a reason: off the list, the state and the reason stay on the case.
        Assert.False(await _host.Staff.CloseAsync(opened.Id, " ", "sundhedsplejerske", CancellationToken.None));
        Assert.True(await _host.Staff.CloseAsync(opened.Id, "Talt med forældrene; ny henvisning senere", "sundhedsplejerske", CancellationToken.None));
        Assert.False(await _host.Staff.CloseAsync(opened.Id, "igen", "sundhedsplejerske", CancellationToken.None));
        var closed = (await _host.Queries.GetAsync(opened.Id, CancellationToken.None))!;
        Assert.Equal(CaseState.ConsentRefused, closed.State);
        Assert.False(closed.NeedsAction);
        Assert.Equal("Talt med forældrene; ny henvisning senere", closed.HandledReason);
        Assert.Contains(closed.Timeline, t => t.Text.Contains("Talt med forældrene", StringComparison.Ordinal) && t.Actor == "sundhedsplejerske");
        Assert.Empty(await _host.Queries.NeedsActionAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task A_withdrawal_after_the_decision_stops_the_course_and_tells_the_gp_the_other_holder_and_the_responsible_party()
    {
        var onAgenda = await OnAgendaAsync();

        // Before the meeting has started nothing is decided.
        _host.Clock.SetUtcNow(onAgenda.Agenda!.Meeting.AddMinutes(-5));
        Assert.False(await _host.Staff.RecordDecisionAsync(onAgenda.Id, "Forløb hos PPR", "PPR", "For tidligt.", "udvalg", CancellationToken.None));
        Assert.Equal(CaseState.OnAgenda, (await _host.Queries.GetAsync(onAgenda.Id, CancellationToken.None))!.State);

        _host.Clock.SetUtcNow(onAgenda.Agenda.Meeting.AddHours(1));
        Assert.True(await _host.Staff.RecordDecisionAsync(onAgenda.Id, "Forløb hos PPR", "PPR", "Udvalget anbefaler et forløb hos PPR.", "udvalg", CancellationToken.None));
        await _host.SweepAsync();

        _host.Clock.Advance(TimeSpan.FromDays(10));
        var (withdrawer, other) = (onAgenda.Parties[1].PartyId, onAgenda.Parties[0].PartyId);
        Assert.True(await _host.Consent.RegisterConsentAsync(onAgenda.Id, withdrawer, ConsentAnswer.Withdrawn, "sundhedsplejerske", CancellationToken.None));
        await _host.SweepAsync();

        var withdrawn = (await _host.Queries.GetAsync(onAgenda.Id, CancellationToken.None))!;
        Assert.Equal(CaseState.ConsentWithdrawn, withdrawn.State);
        Assert.True(withdrawn.NeedsAction);
        Assert.Equal(other, Assert.Single(withdrawn.Letters, l => l.Kind == Core.Letters.LetterKind.ConsentStopped).PartyId);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM case_messages WHERE case_id = @id AND role = 'ConsentStopped'", onAgenda.Id));
        var course = (await _host.App.Services.GetRequiredService<CourseQueries>().GetAsync(onAgenda.Id, CancellationToken.None))!;
        Assert.Equal(CourseState.Closed, course.State);
        Assert.Contains(withdrawn.Timeline, t => t.Text.StartsWith("Forløbet er standset, fordi samtykket er trukket tilbage; besked til PPR: via udvalgets referat", StringComparison.Ordinal));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM audit_log WHERE action = 'stop-course' AND target_id = @id", onAgenda.Id));

        // The stopped course no longer reminds or misses deadlines.
        _host.Clock.Advance(TimeSpan.FromDays(40));
        await _host.SweepAsync();
        var later = (await _host.Queries.GetAsync(onAgenda.Id, CancellationToken.None))!;
        Assert.DoesNotContain(later.Timeline, t => t.Text.StartsWith("Påmindelse til PPR", StringComparison.Ordinal) || t.Text.StartsWith("Fristen for", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Expired_consent_is_its_own_state_on_the_list_and_nobody_is_written_to()
    {
        var onAgenda = await OnAgendaAsync();
        _host.Clock.SetUtcNow(onAgenda.Agenda!.Meeting.AddHours(1));
        Assert.True(await _host.Staff.RecordDecisionAsync(onAgenda.Id, "Forløb hos PPR", "PPR", "Udvalget anbefaler et forløb hos PPR.", "udvalg", CancellationToken.None));
        await _host.SweepAsync();

        _host.Clock.Advance(TimeSpan.FromDays(366));
        await _host.SweepAsync();

        var expired = (await _host.Queries.GetAsync(onAgenda.Id, CancellationToken.None))!;
        Assert.Equal(CaseState.ConsentExpired, expired.State);
        Assert.True(expired.NeedsAction);
        Assert.DoesNotContain(expired.Letters, l => l.Kind == Core.Letters.LetterKind.ConsentStopped);
        Assert.Equal(onAgenda.Id, Assert.Single(await _host.Queries.NeedsActionAsync([], CancellationToken.None)).Id);
    }
}
