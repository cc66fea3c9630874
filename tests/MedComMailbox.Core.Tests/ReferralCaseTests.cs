using MedComMailbox.Core.Calendar;
using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;
using MedComMailbox.Core.People;
using MedComMailbox.Core.Referrals;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.Core.Tests;

public sealed class ReferralCaseTests
{
    private const string Mother = "0101801234";
    private const string Father = "0202791235";
    private static readonly CprNumber Child14 = CprNumber.Parse("0101124123");
    private static readonly CprNumber Child15 = CprNumber.Parse("0101104123");

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 16, 9, 0, 0, TimeSpan.FromHours(1)));
    private readonly AgendaPlanner _planner = new(CommitteeSchedule.Default, new WorkingDayCalendar());

    private static CaseParty Holder(string cpr, bool isProtected = false) => new(cpr, PartyRole.CustodyHolder, isProtected);

    private (ReferralCase Case, IReadOnlyList<CaseEffect> Effects) Open(CprNumber child, params string[] holders) =>
        ReferralCase.Open(Guid.NewGuid(), child, holders.Select(h => Holder(h)).ToList(), ConsentPolicy.Default, _clock.GetUtcNow());

    [Fact]
    public void Opening_sends_gp_receipt_consent_requests_and_schedules_the_reminder()
    {
        var (_, effects) = Open(Child14, Mother, Father);

        Assert.Equal(
            [
                new SendGpMessage(LetterKind.GpReceipt),
                new SendDigitalPost(LetterKind.ConsentRequest, Mother),
                new SendDigitalPost(LetterKind.ConsentRequest, Father),
                new ScheduleDeadline(DeadlineKind.ConsentReminder, _clock.GetUtcNow().AddDays(14)),
            ],
            effects);
    }

    [Fact]
    public void A_child_of_fifteen_is_asked_too()
    {
        var (@case, effects) = Open(Child15, Mother);

        Assert.Contains(new SendDigitalPost(LetterKind.ConsentRequest, Child15.Value), effects);
        Assert.Contains(@case.Parties, p => p.Role == PartyRole.Child);
    }

    [Fact]
    public void No_custody_holder_is_flagged()
    {
        var (_, effects) = Open(Child14);

        Assert.Contains(effects, e => e is FlagForOperator);
    }

    [Fact]
    public void Full_path_consent_custody_agenda_decision()
    {
        var (@case, _) = Open(Child14, Mother, Father);
        _clock.Advance(TimeSpan.FromHours(3));

        Assert.Empty(@case.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow()));
        Assert.Equal([new RecheckCustody()], @case.RecordConsent(Father, ConsentAnswer.Given, _clock.GetUtcNow()));

        var placed = @case.CustodyRechecked([Holder(Mother), Holder(Father)], _planner, _clock.GetUtcNow());
        var agenda = Assert.Single(placed.OfType<PlacedOnAgenda>());
        Assert.True(agenda.Placement.WithinDeadline);
        Assert.Equal(CaseState.OnAgenda, @case.State);

        var decision = new CommitteeDecision("Forløb hos PPR", "PPR", "Kort referat", agenda.Placement.Meeting.AddHours(1));
        var letters = @case.RecordDecision(decision);

        Assert.Equal(
            [new SendGpMessage(LetterKind.Decision), new SendDigitalPost(LetterKind.Decision, Mother), new SendDigitalPost(LetterKind.Decision, Father)],
            letters);
        Assert.Equal(CaseState.Decided, @case.State);
        Assert.Empty(@case.RecordDecision(decision));
    }

    [Fact]
    public void Withdrawal_after_the_decision_stops_further_processing_and_expiry_no_longer_applies()
    {
        var (@case, _) = Open(Child14, Mother);
        @case.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow());
        var placed = Assert.Single(@case.CustodyRechecked([Holder(Mother)], _planner, _clock.GetUtcNow()).OfType<PlacedOnAgenda>());
        @case.RecordDecision(new CommitteeDecision("Forløb hos PPR", "PPR", "Kort referat", placed.Placement.Meeting));

        Assert.Empty(@case.RecordConsent(Mother, ConsentAnswer.Refused, _clock.GetUtcNow())); // a refusal after the decision means nothing
        Assert.Equal(CaseState.Decided, @case.State);

        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(
            [new FlagForOperator("consent withdrawn"), new SendGpMessage(LetterKind.ConsentStopped), new TellResponsibleParty("consent withdrawn")],
            @case.RecordConsent(Mother, ConsentAnswer.Withdrawn, _clock.GetUtcNow()));
        Assert.Equal(CaseState.ConsentWithdrawn, @case.State);
        Assert.True(@case.NeedsAction);
        Assert.NotNull(@case.Decision);
        Assert.Empty(@case.DeadlineReached(DeadlineKind.ConsentExpiry, _clock.GetUtcNow().AddDays(400)));
    }

    [Fact]
    public void Consent_expiry_after_the_decision_stops_the_case()
    {
        var (@case, _) = Open(Child14, Mother);
        @case.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow());
        var effects = @case.CustodyRechecked([Holder(Mother)], _planner, _clock.GetUtcNow());
        var expiry = Assert.Single(effects.OfType<ScheduleDeadline>(), d => d.Kind == DeadlineKind.ConsentExpiry);
        var meeting = Assert.Single(effects.OfType<PlacedOnAgenda>()).Placement.Meeting;
        Assert.NotEmpty(@case.RecordDecision(new CommitteeDecision("Forløb hos PPR", "PPR", "Kort referat", meeting.AddHours(1))));

        Assert.Empty(@case.DeadlineReached(DeadlineKind.ConsentExpiry, expiry.DueAt.AddDays(-1)));
        Assert.Equal([new FlagForOperator("consent expired")], @case.DeadlineReached(DeadlineKind.ConsentExpiry, expiry.DueAt));
        Assert.Equal(CaseState.ConsentExpired, @case.State);
        Assert.True(@case.NeedsAction);
    }

    [Fact]
    public void A_restored_case_carries_on_where_it_was()
    {
        var (@case, _) = Open(Child15, Mother, Father);
        @case.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromDays(15));
        @case.DeadlineReached(DeadlineKind.ConsentReminder, _clock.GetUtcNow());

        var restored = ReferralCase.Restore(@case.ToSnapshot(), ConsentPolicy.Default);

        Assert.True(restored.ReminderSent);
        Assert.Equal(@case.ConsentDeadline, restored.ConsentDeadline);
        Assert.Empty(restored.DeadlineReached(DeadlineKind.ConsentReminder, _clock.GetUtcNow())); // no second reminder
        Assert.Equal(CaseState.AwaitingConsent, restored.State);
        Assert.Equal(3, restored.Consents.Count);
    }

    [Fact]
    public void No_answer_gives_one_reminder_then_closes_and_tells_the_gp()
    {
        var (@case, _) = Open(Child14, Mother, Father);
        @case.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        var reminder = @case.DeadlineReached(DeadlineKind.ConsentReminder, _clock.GetUtcNow());
        Assert.Equal([new SendDigitalPost(LetterKind.ConsentReminder, Father), new ScheduleDeadline(DeadlineKind.ConsentLapse, _clock.GetUtcNow().AddDays(7).AddMinutes(-1))], reminder);
        Assert.Empty(@case.DeadlineReached(DeadlineKind.ConsentReminder, _clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromDays(7));
        var closing = @case.DeadlineReached(DeadlineKind.ConsentLapse, _clock.GetUtcNow());

        Assert.Equal(CaseState.ClosedNoConsent, @case.State);
        Assert.Contains(new SendGpMessage(LetterKind.ClosedNoConsent), closing);
        Assert.Contains(new SendDigitalPost(LetterKind.ClosedNoConsent, Mother), closing);
        Assert.Empty(@case.DeadlineReached(DeadlineKind.ConsentLapse, _clock.GetUtcNow()));
    }

    [Fact]
    public void Withdrawal_on_the_agenda_removes_the_case_at_once()
    {
        var (@case, _) = Open(Child14, Mother);
        @case.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow());
        @case.CustodyRechecked([Holder(Mother)], _planner, _clock.GetUtcNow());

        var effects = @case.RecordConsent(Mother, ConsentAnswer.Withdrawn, _clock.GetUtcNow().AddDays(1));

        Assert.Equal(CaseState.ConsentWithdrawn, @case.State);
        Assert.IsType<RemovedFromAgenda>(effects[0]);
        Assert.Empty(@case.RecordDecision(new CommitteeDecision("x", "y", "z", _clock.GetUtcNow().AddDays(2))));
    }

    [Fact]
    public void Custody_change_while_consent_pending_asks_the_new_holder()
    {
        const string NewHolder = "0303701236";
        var (@case, _) = Open(Child14, Mother, Father);
        @case.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow());
        @case.RecordConsent(Father, ConsentAnswer.Given, _clock.GetUtcNow());

        var effects = @case.CustodyRechecked([Holder(Mother), Holder(NewHolder)], _planner, _clock.GetUtcNow());

        Assert.Equal(CaseState.AwaitingConsent, @case.State);
        Assert.Contains(new SendDigitalPost(LetterKind.ConsentRequest, NewHolder), effects);
        Assert.DoesNotContain(@case.Parties, p => p.PartyId == Father);
        Assert.False(@case.MayGoToCommittee(_clock.GetUtcNow()));
    }

    [Fact]
    public void Custody_lost_by_one_holder_goes_straight_to_the_agenda_on_the_remaining_consent()
    {
        var (@case, _) = Open(Child14, Mother, Father);
        @case.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow());
        @case.RecordConsent(Father, ConsentAnswer.Given, _clock.GetUtcNow());

        var effects = @case.CustodyRechecked([Holder(Mother)], _planner, _clock.GetUtcNow());

        Assert.Equal(CaseState.OnAgenda, @case.State);
        Assert.Contains(effects, e => e is FlagForOperator);
    }

    [Fact]
    public void Consent_expiry_stops_an_open_case()
    {
        var (@case, _) = Open(Child14, Mother);
        @case.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow());
        var effects = @case.CustodyRechecked([Holder(Mother)], _planner, _clock.GetUtcNow());
        var expiry = Assert.Single(effects.OfType<ScheduleDeadline>());

        Assert.Empty(@case.DeadlineReached(DeadlineKind.ConsentExpiry, expiry.DueAt.AddDays(-1)));
        Assert.NotEmpty(@case.DeadlineReached(DeadlineKind.ConsentExpiry, expiry.DueAt));
        Assert.Equal(CaseState.ConsentExpired, @case.State);
    }

    [Fact]
    public void A_refusal_is_its_own_state_tells_the_gp_and_the_other_holder_and_stays_until_a_person_closes_it()
    {
        var (@case, _) = Open(Child15, Mother, Father);
        @case.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow());

        var effects = @case.RecordConsent(Father, ConsentAnswer.Refused, _clock.GetUtcNow());

        Assert.Equal(CaseState.ConsentRefused, @case.State);
        Assert.Equal(
            [
                new FlagForOperator("consent refused"),
                new SendGpMessage(LetterKind.ConsentStopped),
                new SendDigitalPost(LetterKind.ConsentStopped, Mother),
                new SendDigitalPost(LetterKind.ConsentStopped, Child15.Value),
            ],
            effects);
        Assert.DoesNotContain(effects, e => e is TellResponsibleParty); // no decision, no course
        Assert.True(@case.NeedsAction);

        // A person closes it with a reason: off the list, the state stays; both survive a store and restore.
        Assert.Empty(@case.CloseByStaff("Talt med familien", _clock.GetUtcNow()));
        var restored = ReferralCase.Restore(@case.ToSnapshot(), ConsentPolicy.Default);
        Assert.False(restored.NeedsAction);
        Assert.Equal(CaseState.ConsentRefused, restored.State);
        Assert.Equal("Talt med familien", restored.HandledReason);
        Assert.Equal(_clock.GetUtcNow(), restored.HandledAt);
    }

    [Fact]
    public void No_decision_before_the_meeting_has_started()
    {
        var (@case, _) = Open(Child14, Mother);
        @case.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow());
        var meeting = Assert.Single(@case.CustodyRechecked([Holder(Mother)], _planner, _clock.GetUtcNow()).OfType<PlacedOnAgenda>()).Placement.Meeting;

        Assert.False(@case.MeetingStarted(meeting.AddMinutes(-1)));
        Assert.Empty(@case.RecordDecision(new CommitteeDecision("o", "r", "s", meeting.AddMinutes(-1))));
        Assert.Equal(CaseState.OnAgenda, @case.State);
        Assert.NotEmpty(@case.RecordDecision(new CommitteeDecision("o", "r", "s", meeting)));
        Assert.Equal(CaseState.Decided, @case.State);
    }

    /// <summary>
    /// Property: across random orders of answers, withdrawals, deadlines, custody re-checks and decisions, a case is never
    /// placed on the agenda, nor decided, without complete, unexpired, unwithdrawn consent, and no letter kind goes twice to one party.
    /// </summary>
    [Fact]
    public void Never_on_agenda_or_decided_without_valid_consent_whatever_the_order()
    {
        var random = new Random(4711);
        for (var run = 0; run < 3000; run++)
        {
            var now = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
            var holders = new[] { Mother, Father }.Take(random.Next(1, 3)).ToArray();
            var (@case, opening) = ReferralCase.Open(Guid.NewGuid(), random.Next(2) == 0 ? Child14 : Child15, holders.Select(h => Holder(h)).ToList(), ConsentPolicy.Default, now);
            var sent = new List<CaseEffect>(opening);

            for (var step = 0; step < 14; step++)
            {
                now += TimeSpan.FromHours(random.Next(1, 24 * 40));
                var party = @case.Parties.Count == 0 ? Mother : @case.Parties[random.Next(@case.Parties.Count)].PartyId;
                IReadOnlyList<CaseEffect> effects = random.Next(7) switch
                {
                    0 or 1 => @case.RecordConsent(party, ConsentAnswer.Given, now),
                    2 => @case.RecordConsent(party, random.Next(2) == 0 ? ConsentAnswer.Withdrawn : ConsentAnswer.Refused, now),
                    3 => @case.DeadlineReached((DeadlineKind)random.Next(3), now),
                    4 => @case.CustodyRechecked(holders.Select(h => Holder(h)).ToList(), _planner, now),
                    5 => @case.RecordDecision(new CommitteeDecision("o", "r", "s", now)),
                    _ => @case.CustodyRechecked([Holder(Mother)], _planner, now),
                };
                sent.AddRange(effects);

                // The worker stores and restores the case between events: a round trip must change nothing.
                if (random.Next(2) == 0)
                {
                    var before = @case.ToSnapshot();
                    @case = ReferralCase.Restore(before, ConsentPolicy.Default);
                    Assert.Equivalent(before, @case.ToSnapshot(), strict: true);
                }

                if (effects.OfType<PlacedOnAgenda>().Any() || effects.OfType<SendGpMessage>().Any(e => e.Letter == LetterKind.Decision))
                {
                    Assert.True(@case.MayGoToCommittee(now), $"run {run} step {step}: committee without valid consent");
                }

                if (effects.OfType<SendGpMessage>().Any(e => e.Letter == LetterKind.Decision))
                {
                    Assert.True(@case.MeetingStarted(now), $"run {run} step {step}: decided before the meeting");
                }
            }

            var letters = sent.OfType<SendDigitalPost>().Where(l => l.Letter is LetterKind.Decision or LetterKind.ClosedNoConsent or LetterKind.ConsentReminder or LetterKind.ConsentStopped).ToList();
            Assert.Equal(letters.Count, letters.Distinct().Count());
        }
    }

    private (ReferralCase Earlier, ReferralCase Joined) JoinedCases(CprNumber child)
    {
        var (earlier, _) = Open(child, Mother, Father);
        foreach (var party in earlier.Parties)
        {
            earlier.RecordConsent(party.PartyId, ConsentAnswer.Given, _clock.GetUtcNow());
        }

        _clock.Advance(TimeSpan.FromDays(30));
        var (joined, _) = ReferralCase.OpenOnConsent(Guid.NewGuid(), child, [Holder(Mother), Holder(Father)], earlier.Id, earlier.Consents, ConsentPolicy.Default, _clock.GetUtcNow());
        return (earlier, joined);
    }

    [Fact]
    public void A_re_referral_on_a_valid_consent_gets_the_receipt_that_says_so_not_the_one_announcing_requests()
    {
        var (earlier, _) = Open(Child14, Mother, Father);
        earlier.RecordConsent(Mother, ConsentAnswer.Given, _clock.GetUtcNow());
        earlier.RecordConsent(Father, ConsentAnswer.Given, _clock.GetUtcNow());

        var (_, effects) = ReferralCase.OpenOnConsent(Guid.NewGuid(), Child14, [Holder(Mother), Holder(Father)], earlier.Id, earlier.Consents, ConsentPolicy.Default, _clock.GetUtcNow());

        Assert.Contains(new SendGpMessage(LetterKind.GpReceiptConsentJoined), effects);
        Assert.DoesNotContain(new SendGpMessage(LetterKind.GpReceipt), effects);
        Assert.Empty(effects.OfType<SendDigitalPost>());
    }

    [Fact]
    public void A_withdrawal_of_the_shared_consent_stops_the_case_that_joined_it_as_a_withdrawal_there_would()
    {
        var (earlier, joined) = JoinedCases(Child14);
        var revoked = earlier.Consents.Single(c => c.PartyId == Mother);

        var effects = joined.SharedConsentWithdrawn(revoked, _clock.GetUtcNow());

        Assert.Equal(CaseState.ConsentWithdrawn, joined.State);
        Assert.Equal(
            [new FlagForOperator("consent withdrawn"), new SendGpMessage(LetterKind.ConsentStopped), new SendDigitalPost(LetterKind.ConsentStopped, Father)],
            effects);
        Assert.Empty(joined.SharedConsentWithdrawn(revoked, _clock.GetUtcNow())); // once
    }

    [Fact]
    public void A_consent_the_later_case_asked_for_itself_or_a_refusal_never_given_is_not_carried()
    {
        var (earlier, joined) = JoinedCases(Child14);
        var mother = earlier.Consents.Single(c => c.PartyId == Mother);

        Assert.Empty(joined.SharedConsentWithdrawn(mother with { AnsweredAt = mother.AnsweredAt!.Value.AddMinutes(1) }, _clock.GetUtcNow()));
        Assert.Empty(joined.SharedConsentWithdrawn(mother with { Answer = ConsentAnswer.Refused }, _clock.GetUtcNow()));
        Assert.Equal(CaseState.CheckingCustody, joined.State);
    }

    [Fact]
    public void Cases_share_a_consent_along_their_joins_in_both_directions()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid(), unrelated = Guid.NewGuid();
        (Guid, Guid?)[] links = [(a, null), (b, a), (c, b), (unrelated, null)];

        Assert.Equal(new HashSet<Guid> { b, c }, ReferralCase.SharingConsent(a, links).ToHashSet());
        Assert.Equal(new HashSet<Guid> { a, b }, ReferralCase.SharingConsent(c, links).ToHashSet());
        Assert.Empty(ReferralCase.SharingConsent(unrelated, links));
    }
}
