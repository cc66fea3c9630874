using MedComMailbox.Infrastructure.Outbox;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>Wakes the letter dispatcher and the deadline sweep right after a commit; their poll interval is only the fallback.</summary>
public sealed class WorkflowSignal
{
    public OutboxSignal Letters { get; } = new();

    public OutboxSignal Deadlines { get; } = new();

    public void Notify()
    {
        Letters.Notify();
        Deadlines.Notify();
    }
}
