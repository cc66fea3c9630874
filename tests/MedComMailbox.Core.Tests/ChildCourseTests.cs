using MedComMailbox.Core.Calendar;
using MedComMailbox.Core.Course;

namespace MedComMailbox.Core.Tests;

/// <summary>The course's rules: deadlines on the working-day calendar, reminder, missed deadline, stall, closing.</summary>
public sealed class ChildCourseTests
{
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");
    private static readonly CourseRules Rules = new(TimeSpan.FromDays(28), TimeSpan.FromDays(42), TimeSpan.FromDays(7), TimeSpan.FromDays(14), new WorkingDayCalendar(), Copenhagen);

    // Wednesday 2 December 2026, 09:30 Copenhagen: the committee's meeting.
    private static readonly DateTimeOffset Decided = new(2026, 12, 2, 9, 30, 0, TimeSpan.FromHours(1));

    [Fact]
    public void The_start_meeting_is_due_four_weeks_after_the_decision_moved_past_holidays()
    {
        // 2 December + 28 days = 30 December (a Wednesday, a working day).
        var (course, effects) = ChildCourse.Start(Guid.NewGuid(), "PPR", Decided, Rules);
        Assert.Equal(new DateOnly(2026, 12, 30), course.Next!.Deadline);
        Assert.Equal(MeetingKind.Start, course.Next.Kind);
        Assert.Equal([Rules.EndOf(new DateOnly(2026, 12, 30)) - TimeSpan.FromDays(7), Rules.EndOf(new DateOnly(2026, 12, 30))],
            effects.OfType<ScheduleCourseCheck>().Select(c => c.DueAt));

        // 27 November + 28 days = 25 December (Christmas Day): the deadline moves to Monday 28 December.
        var (late, _) = ChildCourse.Start(Guid.NewGuid(), "PPR", new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(1)), Rules);
        Assert.Equal(new DateOnly(2026, 12, 28), late.Next!.Deadline);
    }

    [Fact]
    public void The_reminder_comes_once_and_a_missed_deadline_needs_a_written_reason()
    {
        var (course, _) = ChildCourse.Start(Guid.NewGuid(), "PPR", Decided, Rules);
        var end = Rules.EndOf(course.Next!.Deadline!.Value);

        Assert.Empty(course.Check(end - TimeSpan.FromDays(8)));
        Assert.IsType<RemindResponsible>(Assert.Single(course.Check(end - TimeSpan.FromDays(6))));
        Assert.Empty(course.Check(end - TimeSpan.FromDays(5)));
        Assert.IsType<DeadlineMissed>(Assert.Single(course.Check(end)));
        Assert.Empty(course.Check(end.AddDays(1)));
        Assert.True(course.NeedsReason);

        Assert.False(course.RecordMissedReason(1, " "));
        Assert.True(course.RecordMissedReason(1, "Familien aflyste to gange"));
        Assert.False(course.NeedsReason);
    }

    [Fact]
    public void A_start_meeting_held_after_its_deadline_counts_as_missed()
    {
        var (course, _) = ChildCourse.Start(Guid.NewGuid(), "PPR", Decided, Rules);
        var heldAt = Decided.AddDays(35);

        var effects = course.RecordHeld(heldAt, MeetingKind.FollowUp, heldAt);

        Assert.Contains(effects, e => e is DeadlineMissed);
        Assert.True(course.Milestones[0].NeedsReason);
        Assert.Equal(MeetingKind.FollowUp, course.Next!.Kind);
        Assert.Equal(Rules.DeadlineAfter(heldAt, TimeSpan.FromDays(42)), course.Next.Deadline);
    }

    [Fact]
    public void No_meeting_planned_after_a_follow_up_stalls_the_course_until_the_committee_resumes_it()
    {
        var (course, _) = ChildCourse.Start(Guid.NewGuid(), "PPR", Decided, Rules);
        var start = Decided.AddDays(10);
        course.RecordHeld(start, MeetingKind.FollowUp, start);
        var followUp = start.AddDays(30);
        course.RecordHeld(followUp, MeetingKind.FollowUp, followUp);
        Assert.Null(course.Next!.Deadline);

        Assert.Empty(course.Check(followUp.AddDays(13)));
        Assert.IsType<BackOnAgenda>(Assert.Single(course.Check(followUp.AddDays(14))));
        Assert.Equal(CourseState.Stalled, course.State);
        Assert.Empty(course.Check(followUp.AddDays(15)));

        var resumed = followUp.AddDays(16);
        Assert.Empty(course.Resume(" ", resumed));
        Assert.IsType<ScheduleCourseCheck>(Assert.Single(course.Resume("Skolen", resumed)));
        Assert.Equal(CourseState.Running, course.State);
        Assert.Equal("Skolen", course.ResponsibleParty);
        Assert.Empty(course.Check(resumed.AddDays(1)));

        // Planned within the time: it does not stall again.
        Assert.IsType<TellMeetingPlanned>(Assert.Single(course.Plan(resumed.AddDays(20), "Skolen", ["Klasselærer"], resumed.AddDays(2))));
        Assert.Empty(course.Check(resumed.AddDays(15)));
    }

    [Fact]
    public void The_closing_meeting_closes_the_course_and_nothing_is_due_after_it()
    {
        var (course, _) = ChildCourse.Start(Guid.NewGuid(), "PPR", Decided, Rules);
        var t = Decided.AddDays(10);
        course.RecordHeld(t, MeetingKind.FollowUp, t);
        t = t.AddDays(30);
        course.RecordHeld(t, MeetingKind.Closing, t);
        Assert.Equal(MeetingKind.Closing, course.Next!.Kind);
        t = t.AddDays(10);

        Assert.Contains(course.RecordHeld(t, MeetingKind.FollowUp, t), e => e is CourseEnded);
        Assert.Equal(CourseState.Closed, course.State);
        Assert.Null(course.Next);
        Assert.Empty(course.Check(t.AddDays(100)));
        Assert.Empty(course.Plan(t.AddDays(5), "PPR", [], t));
    }

    [Fact]
    public void A_meeting_cannot_be_recorded_as_held_in_the_future_and_a_restored_course_keeps_its_state()
    {
        var (course, _) = ChildCourse.Start(Guid.NewGuid(), "PPR", Decided, Rules);
        Assert.Empty(course.RecordHeld(Decided.AddDays(3), MeetingKind.FollowUp, Decided));
        course.Plan(Decided.AddDays(7), "PPR, Torvet 1", ["Psykolog Ida Holm"], Decided);

        var restored = ChildCourse.Restore(course.ToSnapshot(), Rules);

        Assert.Equal("PPR, Torvet 1", restored.Next!.Place);
        Assert.Equal(Decided.AddDays(7), restored.Next.PlannedAt);
        Assert.Equal(["Psykolog Ida Holm"], restored.Next.Participants);
    }
}
