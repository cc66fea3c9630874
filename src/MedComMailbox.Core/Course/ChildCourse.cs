namespace MedComMailbox.Core.Course;

/// <summary>
/// The child's course from the committee's decision to the closing meeting, as pure rules like <c>ReferralCase</c>:
/// each method changes the course and returns effects. The deadline check is one idempotent <see cref="Check"/> that
/// looks at the course as it is at "now", so a late, early or repeated sweep can never double a reminder.
/// </summary>
public sealed class ChildCourse
{
    private readonly CourseRules _rules;
    private readonly List<Milestone> _milestones;

    private ChildCourse(ChildCourseSnapshot snapshot, CourseRules rules)
    {
        _rules = rules;
        CaseId = snapshot.CaseId;
        ResponsibleParty = snapshot.ResponsibleParty;
        DecidedAt = snapshot.DecidedAt;
        State = snapshot.State;
        StalledAt = snapshot.StalledAt;
        ResumedAt = snapshot.ResumedAt;
        ClosedAt = snapshot.ClosedAt;
        _milestones = snapshot.Milestones.ToList();
    }

    public Guid CaseId { get; }

    public string ResponsibleParty { get; private set; }

    public DateTimeOffset DecidedAt { get; }

    public CourseState State { get; private set; }

    public DateTimeOffset? StalledAt { get; private set; }

    public DateTimeOffset? ResumedAt { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public IReadOnlyList<Milestone> Milestones => _milestones;

    /// <summary>The meeting that has not been held yet (none once the course is closed).</summary>
    public Milestone? Next => _milestones.LastOrDefault(m => m.HeldAt is null);

    public bool NeedsReason => _milestones.Any(m => m.NeedsReason);

    public Milestone? Find(MeetingKind kind) => _milestones.FirstOrDefault(m => m.Kind == kind);

    public ChildCourseSnapshot ToSnapshot() => new(CaseId, ResponsibleParty, DecidedAt, State, _milestones.ToList(), StalledAt, ResumedAt, ClosedAt);

    public static ChildCourse Restore(ChildCourseSnapshot snapshot, CourseRules rules) => new(snapshot, rules);

    /// <summary>The decision starts the course: the start meeting is due within <see cref="CourseRules.StartWithin"/>.</summary>
    public static (ChildCourse Course, IReadOnlyList<CourseEffect> Effects) Start(Guid caseId, string responsibleParty, DateTimeOffset decidedAt, CourseRules rules)
    {
        var deadline = rules.DeadlineAfter(decidedAt, rules.StartWithin);
        var start = new Milestone(1, MeetingKind.Start, deadline, null, null, [], null, false, false, null);
        var course = new ChildCourse(new ChildCourseSnapshot(caseId, responsibleParty, decidedAt, CourseState.Running, [start], null, null, null), rules);
        return (course, course.ChecksFor(start, decidedAt));
    }

    /// <summary>Plans the next meeting (date, place, participants); the family and the GP are told.</summary>
    public IReadOnlyList<CourseEffect> Plan(DateTimeOffset at, string place, IReadOnlyList<string> participants, DateTimeOffset now)
    {
        if (State == CourseState.Closed || Next is not { } next || string.IsNullOrWhiteSpace(place) || at < now.AddDays(-1))
        {
            return [];
        }

        Replace(next with { PlannedAt = at, Place = place.Trim(), Participants = participants.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).ToList() });
        if (State == CourseState.Stalled)
        {
            State = CourseState.Running;
        }

        return [new TellMeetingPlanned(next.Number)];
    }

    /// <summary>
    /// The next meeting was held on <paramref name="heldAt"/>. After the start meeting a follow-up follows (deadline
    /// <see cref="CourseRules.FollowUpWithin"/>); after a follow-up, another follow-up or the closing meeting, as agreed;
    /// after the closing meeting the course is closed. A meeting held after its deadline needs a written reason.
    /// </summary>
    public IReadOnlyList<CourseEffect> RecordHeld(DateTimeOffset heldAt, MeetingKind nextKind, DateTimeOffset now)
    {
        if (State == CourseState.Closed || Next is not { } next || heldAt > now.AddHours(1))
        {
            return [];
        }

        var late = next.Deadline is { } d && _rules.LocalDate(heldAt) > d;
        Replace(next with { HeldAt = heldAt, Missed = next.Missed || late });
        List<CourseEffect> effects = late && !next.Missed ? [new DeadlineMissed(next.Number)] : [];
        if (next.Kind == MeetingKind.Closing)
        {
            State = CourseState.Closed;
            ClosedAt = heldAt;
            effects.Add(new CourseEnded());
            return effects;
        }

        // After the start meeting the follow-up is fixed; after a follow-up the meeting agrees what comes next.
        var kind = next.Kind == MeetingKind.Start ? MeetingKind.FollowUp : nextKind == MeetingKind.Closing ? MeetingKind.Closing : MeetingKind.FollowUp;
        DateOnly? deadline = next.Kind == MeetingKind.Start ? _rules.DeadlineAfter(heldAt, _rules.FollowUpWithin) : null;
        var following = new Milestone(next.Number + 1, kind, deadline, null, null, [], null, false, false, null);
        _milestones.Add(following);
        State = CourseState.Running;
        effects.AddRange(ChecksFor(following, heldAt));
        return effects;
    }

    /// <summary>The written reason for a missed deadline.</summary>
    public bool RecordMissedReason(int number, string reason)
    {
        var milestone = _milestones.FirstOrDefault(m => m.Number == number);
        if (milestone is null || !milestone.Missed || string.IsNullOrWhiteSpace(reason))
        {
            return false;
        }

        Replace(milestone with { MissedReason = reason.Trim() });
        return true;
    }

    /// <summary>The committee took up a stalled course again: it may hand it to another responsible party; the next meeting must be planned.</summary>
    public IReadOnlyList<CourseEffect> Resume(string responsibleParty, DateTimeOffset now)
    {
        if (State != CourseState.Stalled || string.IsNullOrWhiteSpace(responsibleParty))
        {
            return [];
        }

        ResponsibleParty = responsibleParty.Trim();
        State = CourseState.Running;
        ResumedAt = now;
        return [new ScheduleCourseCheck(now.Add(_rules.PlanNextWithin))];
    }

    /// <summary>Consent was withdrawn or expired after the decision: the course ends at once; no more reminders or deadlines.</summary>
    public bool Stop(DateTimeOffset now)
    {
        if (State == CourseState.Closed)
        {
            return false;
        }

        State = CourseState.Closed;
        ClosedAt = now;
        return true;
    }

    /// <summary>
    /// What is due at <paramref name="now"/>: the reminder before a deadline, a missed deadline, a stalled course.
    /// Anything already done (reminded, marked missed, stalled) is not done again.
    /// </summary>
    public IReadOnlyList<CourseEffect> Check(DateTimeOffset now)
    {
        if (State == CourseState.Closed || Next is not { } next)
        {
            return [];
        }

        var effects = new List<CourseEffect>();
        if (next.Deadline is { } deadline)
        {
            var end = _rules.EndOf(deadline);
            if (!next.Reminded && !next.Missed && now >= end - _rules.ReminderBefore && now < end)
            {
                next = next with { Reminded = true };
                Replace(next);
                effects.Add(new RemindResponsible(next.Number));
            }

            if (!next.Missed && now >= end)
            {
                next = next with { Missed = true };
                Replace(next);
                effects.Add(new DeadlineMissed(next.Number));
            }
        }

        // Stalled: after a follow-up nothing is planned within the agreed time.
        var previous = _milestones.LastOrDefault(m => m.HeldAt is not null);
        if (State == CourseState.Running && next.PlannedAt is null && previous is { Kind: MeetingKind.FollowUp, HeldAt: { } held }
            && now >= Latest(held, ResumedAt).Add(_rules.PlanNextWithin))
        {
            State = CourseState.Stalled;
            StalledAt = now;
            effects.Add(new BackOnAgenda());
        }

        return effects;
    }

    private List<CourseEffect> ChecksFor(Milestone milestone, DateTimeOffset from)
    {
        var effects = new List<CourseEffect>();
        if (milestone.Deadline is { } deadline)
        {
            var end = _rules.EndOf(deadline);
            var remind = end - _rules.ReminderBefore;
            if (remind > from)
            {
                effects.Add(new ScheduleCourseCheck(remind));
            }

            effects.Add(new ScheduleCourseCheck(end));
        }
        else
        {
            effects.Add(new ScheduleCourseCheck(from.Add(_rules.PlanNextWithin)));
        }

        return effects;
    }

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset? b) => b is { } other && other > a ? other : a;

    private void Replace(Milestone milestone)
    {
        var index = _milestones.FindIndex(m => m.Number == milestone.Number);
        _milestones[index] = milestone;
    }
}
