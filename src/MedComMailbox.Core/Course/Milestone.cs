namespace MedComMailbox.Core.Course;

/// <summary>One meeting of the course: its deadline, what is planned, whether it was held, and why it was late.</summary>
public sealed record Milestone(
    int Number,
    MeetingKind Kind,
    DateOnly? Deadline,
    DateTimeOffset? PlannedAt,
    string? Place,
    IReadOnlyList<string> Participants,
    DateTimeOffset? HeldAt,
    bool Reminded,
    bool Missed,
    string? MissedReason)
{
    /// <summary>The deadline passed (or the meeting was held after it) and nobody has written why yet.</summary>
    public bool NeedsReason => Missed && string.IsNullOrWhiteSpace(MissedReason);
}
