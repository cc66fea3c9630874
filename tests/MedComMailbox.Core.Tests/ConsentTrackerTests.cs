using MedComMailbox.Core.Consent;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.Core.Tests;

public sealed class ConsentTrackerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(1)));

    private ConsentTracker Tracker(params string[] parties) =>
        new(ConsentPolicy.Default, _clock.GetUtcNow(), parties.Select(p => new ConsentParty(p, ConsentAnswer.Pending, null)));

    [Fact]
    public void One_custody_holder_consenting_completes_a_one_holder_case()
    {
        var tracker = Tracker("mother");
        _clock.Advance(TimeSpan.FromDays(3));

        tracker.Record("mother", ConsentAnswer.Given, _clock.GetUtcNow());

        Assert.True(tracker.MayGoToCommittee(_clock.GetUtcNow()));
        Assert.Equal(_clock.GetUtcNow(), tracker.CompletedAt);
    }

    [Fact]
    public void Two_custody_holders_both_must_consent()
    {
        var tracker = Tracker("mother", "father");
        tracker.Record("mother", ConsentAnswer.Given, _clock.GetUtcNow());

        Assert.False(tracker.MayGoToCommittee(_clock.GetUtcNow()));
        Assert.Equal(ConsentStatus.Awaiting, tracker.StatusAt(_clock.GetUtcNow()));

        tracker.Record("father", ConsentAnswer.Given, _clock.GetUtcNow());
        Assert.True(tracker.MayGoToCommittee(_clock.GetUtcNow()));
    }

    [Fact]
    public void Reminder_after_fourteen_days_then_lapse_after_seven_more()
    {
        var tracker = Tracker("mother", "father");
        tracker.Record("mother", ConsentAnswer.Given, _clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromDays(14));
        Assert.False(tracker.ReminderDue(_clock.GetUtcNow()));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(tracker.ReminderDue(_clock.GetUtcNow()));

        tracker.MarkReminderSent();
        Assert.False(tracker.ReminderDue(_clock.GetUtcNow()));
        Assert.Equal(ConsentStatus.Awaiting, tracker.StatusAt(_clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(ConsentStatus.Lapsed, tracker.StatusAt(_clock.GetUtcNow()));
        Assert.False(tracker.MayGoToCommittee(_clock.GetUtcNow()));
    }

    [Fact]
    public void Withdrawal_stops_the_case_at_once_and_cannot_be_overwritten()
    {
        var tracker = Tracker("mother");
        tracker.Record("mother", ConsentAnswer.Given, _clock.GetUtcNow());
        tracker.Record("mother", ConsentAnswer.Withdrawn, _clock.GetUtcNow());

        Assert.Equal(ConsentStatus.Stopped, tracker.StatusAt(_clock.GetUtcNow()));

        tracker.Record("mother", ConsentAnswer.Given, _clock.GetUtcNow());
        Assert.Equal(ConsentStatus.Stopped, tracker.StatusAt(_clock.GetUtcNow()));
    }

    [Fact]
    public void Consent_expires_after_one_year()
    {
        var tracker = Tracker("mother");
        tracker.Record("mother", ConsentAnswer.Given, _clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromDays(365));
        Assert.True(tracker.MayGoToCommittee(_clock.GetUtcNow()));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ConsentStatus.Expired, tracker.StatusAt(_clock.GetUtcNow()));
        Assert.False(tracker.MayGoToCommittee(_clock.GetUtcNow()));
    }

    [Fact]
    public void Unknown_party_is_refused()
    {
        var tracker = Tracker("mother");

        Assert.Throws<InvalidOperationException>(() => tracker.Record("neighbour", ConsentAnswer.Given, _clock.GetUtcNow()));
    }

    /// <summary>
    /// Property: whatever order answers, withdrawals, reminders and time arrive in, the committee guard only
    /// opens when every party's latest answer is Given, nobody ever withdrew or refused, and the oldest consent is under a year.
    /// </summary>
    [Fact]
    public void Committee_guard_never_opens_without_complete_unexpired_unwithdrawn_consent()
    {
        var random = new Random(20261123);
        string[] parties = ["mother", "father", "child"];
        for (var run = 0; run < 5000; run++)
        {
            var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var required = parties.Take(random.Next(1, 4)).ToArray();
            var tracker = new ConsentTracker(ConsentPolicy.Default, start, required.Select(p => new ConsentParty(p, ConsentAnswer.Pending, null)));
            var now = start;
            var everStopped = new HashSet<string>();
            var given = new Dictionary<string, DateTimeOffset>();

            for (var step = 0; step < random.Next(1, 12); step++)
            {
                now += TimeSpan.FromHours(random.Next(0, 24 * 120));
                var party = required[random.Next(required.Length)];
                var answer = (ConsentAnswer)random.Next(1, 4);
                if (random.Next(5) == 0)
                {
                    tracker.MarkReminderSent();
                }

                tracker.Record(party, answer, now);
                if (answer is ConsentAnswer.Refused or ConsentAnswer.Withdrawn)
                {
                    everStopped.Add(party);
                }
                else if (!everStopped.Contains(party))
                {
                    given[party] = now;
                }

                var expectOpen = everStopped.Count == 0
                    && required.All(given.ContainsKey)
                    && now - given.Values.Min() <= ConsentPolicy.Default.MaxValidity;
                Assert.Equal(expectOpen, tracker.MayGoToCommittee(now));
            }
        }
    }
}
