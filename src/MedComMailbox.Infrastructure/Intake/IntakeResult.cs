using MedComMailbox.MedCom;

namespace MedComMailbox.Infrastructure.Intake;

public enum IntakeOutcome
{
    /// <summary>Stored, acknowledged (ok) and queued for the triage side.</summary>
    Accepted,
    /// <summary>Seen before: not stored or routed again; the first answer is sent again.</summary>
    Duplicate,
    /// <summary>Stored for inspection and answered with a negative acknowledgement where the sender could be identified.</summary>
    Rejected,
    /// <summary>Not stored because storage failed; the caller must keep the message and try again.</summary>
    Unavailable,
}

/// <summary>What happened to one inbound body. Carries no patient data, so it can be shown to the sender.</summary>
public sealed record IntakeResult(
    IntakeOutcome Outcome,
    Guid? MessageId,
    MedComMessageKind Kind,
    string? MedComMessageId,
    string? AcknowledgementId,
    string? AcknowledgementCode,
    IReadOnlyList<MedComIssue> Issues)
{
    public bool Stored => Outcome != IntakeOutcome.Unavailable;
}
