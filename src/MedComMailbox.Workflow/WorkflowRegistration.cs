using MassTransit;
using MedComMailbox.Workflow.Triage;

namespace MedComMailbox.Workflow;

public static class WorkflowRegistration
{
    /// <summary>Registers every consumer of the workflow with MassTransit.</summary>
    public static void AddWorkflowConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<TriageConsumer, TriageConsumerDefinition>();
    }
}
