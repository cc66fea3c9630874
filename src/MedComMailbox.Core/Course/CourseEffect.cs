namespace MedComMailbox.Core.Course;

/// <summary>Something the course asks the outside world to do; carried out in the same transaction as the course is stored.</summary>
public abstract record CourseEffect;

/// <summary>A deadline row: the sweep checks the course again at <paramref name="DueAt"/>.</summary>
public sealed record ScheduleCourseCheck(DateTimeOffset DueAt) : CourseEffect;

/// <summary>Remind the responsible party that a meeting's deadline is near.</summary>
public sealed record RemindResponsible(int Milestone) : CourseEffect;

/// <summary>A meeting's deadline passed without the meeting: a written reason is now required.</summary>
public sealed record DeadlineMissed(int Milestone) : CourseEffect;

/// <summary>Tell the family and the GP the date of a planned meeting.</summary>
public sealed record TellMeetingPlanned(int Milestone) : CourseEffect;

/// <summary>The course stalled: it goes back on the committee's agenda.</summary>
public sealed record BackOnAgenda : CourseEffect;

/// <summary>The closing meeting was held: the committee is told the course has ended.</summary>
public sealed record CourseEnded : CourseEffect;
