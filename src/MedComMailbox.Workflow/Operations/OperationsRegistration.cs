using MedComMailbox.Workflow.Statistics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedComMailbox.Workflow.Operations;

public static class OperationsRegistration
{
    /// <summary>
    /// The read side of the operations page, the start page's daily summary and the statistics page. Called by
    /// <see cref="WorkflowRegistration.AddReferralWorkflow"/>; safe to call again.
    /// </summary>
    public static IServiceCollection AddOperationsAndStatistics(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OperationsQueries>();
        services.TryAddSingleton<IndicatorQueries>();
        return services;
    }
}
