namespace MedComMailbox.Core.Course;

/// <summary>The kinds of meeting in a child's course after the committee's decision (domain.md, the workflow point 7).</summary>
public enum MeetingKind
{
    /// <summary>Opstartsmøde: within 4 weeks of the decision.</summary>
    Start,
    /// <summary>Opfølgningsmøde: the first within 6 weeks of the start meeting, later ones as agreed.</summary>
    FollowUp,
    /// <summary>Afslutningsmøde: the course ends.</summary>
    Closing,
}

public enum CourseState
{
    /// <summary>The responsible party has the course; the next meeting is ahead.</summary>
    Running,
    /// <summary>No next meeting was planned after a follow-up: the course is back on the committee's agenda.</summary>
    Stalled,
    /// <summary>The closing meeting was held.</summary>
    Closed,
}
