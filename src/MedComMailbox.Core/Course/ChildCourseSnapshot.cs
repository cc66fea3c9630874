namespace MedComMailbox.Core.Course;

public sealed record ChildCourseSnapshot(
    Guid CaseId,
    string ResponsibleParty,
    DateTimeOffset DecidedAt,
    CourseState State,
    IReadOnlyList<Milestone> Milestones,
    DateTimeOffset? StalledAt,
    DateTimeOffset? ResumedAt,
    DateTimeOffset? ClosedAt);
