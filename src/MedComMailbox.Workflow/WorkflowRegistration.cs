using MedComMailbox.Infrastructure.Configuration;
using MassTransit;
using MedComMailbox.Infrastructure.Alerts;
using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.Reconciliation;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.Workflow.Operations;
using MedComMailbox.Workflow.Referrals;
using MedComMailbox.Workflow.Triage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedComMailbox.Workflow;

public static class WorkflowRegistration
{
    /// <summary>Registers every consumer of the workflow with MassTransit.</summary>
    public static void AddWorkflowConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<TriageConsumer, TriageConsumerDefinition>();
        bus.AddConsumer<Course.HandOverMailConsumer, Course.HandOverMailConsumerDefinition>();
    }

    /// <summary>
    /// The referral workflow: options (validated at start), the case store, commands and queries, the CPR register and
    /// Digital Post (Serviceplatformen or the development stand-ins, by configuration), and, where the consumers run
    /// (<c>Bus:RunConsumers</c>), the sweep that handles deadlines and sends letters.
    /// </summary>
    public static IServiceCollection AddReferralWorkflow(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkflowOptions>().BindConfiguration(WorkflowOptions.Section)
            // The binder adds a configured list to the built-in one: the municipality's responsible parties replace the
            // four defaults instead (else a configured "PPR" with an Email hid behind the built-in "PPR" without one).
            .PostConfigure<IConfiguration>((o, c) =>
            {
                var configured = c.GetSection($"{WorkflowOptions.Section}:Course:ResponsibleParties");
                if (configured.GetChildren().Any())
                {
                    o.Course.ResponsibleParties = configured.Get<List<WorkflowOptions.ResponsiblePartyOptions>>() ?? [];
                }
            })
            .ValidateSettings().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CaseStore>();
        services.AddSingleton<WorkflowSignal>();
        services.AddSingleton<LetterTemplates>();
        services.AddSingleton<CaseEffects>();
        services.AddSingleton<DeadlineStore>();
        services.AddSingleton<CaseRunner>();
        services.AddSingleton<ReferralTriage>();
        services.AddSingleton<ConsentCommands>();
        services.AddSingleton<StaffCommands>();
        services.AddSingleton<DeadlineSweep>();
        services.AddSingleton<CaseQueries>();
        services.AddSingleton<PrintQueueQueries>();
        services.AddSingleton<Course.CourseStore>();
        services.AddSingleton<Course.CourseHandOver>();
        services.AddSingleton<Course.CourseWorkflow>();
        services.AddSingleton<Course.CourseQueries>();
        services.AddSingleton<Course.HandOverMailer>();
        services.AddOperationsAndStatistics();
        services.AddSingleton<LetterStore>();
        services.AddSingleton<LetterDispatcher>();
        // What Infrastructure's sweeps need from the workflow's tables, asked through the interfaces Infrastructure defines.
        services.AddSingleton<IOverdueDeadlines>(sp => sp.GetRequiredService<DeadlineStore>());
        services.AddSingleton<IFailureSource>(sp => sp.GetRequiredService<LetterStore>());
        services.AddSingleton<IConsentCounts>(sp => sp.GetRequiredService<CaseStore>());
        services.AddSingleton<IPostStatusSink>(sp => sp.GetRequiredService<LetterDispatcher>());
        var runConsumers = BusOptions.RunsConsumers(configuration);
        if (runConsumers)
        {
            services.AddHostedService<WorkflowSweeps>();
        }

        return services;
    }
}
