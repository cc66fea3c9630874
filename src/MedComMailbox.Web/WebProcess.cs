using MedComMailbox.Infrastructure.Alerts;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Workflow.Retention;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.Web.Features.Health;
using MedComMailbox.Workflow;
using MedComMailbox.Workflow.Inbox;

namespace MedComMailbox.Web;

public static class WebProcess
{
    /// <summary>
    /// Everything the web process registers, one concern per line. Program.cs calls it, and so does
    /// <c>medcom check-config</c>, which validates a settings file with exactly the options and validators registered here.
    /// </summary>
    public static IServiceCollection AddMailboxWebProcess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMailboxStorageAndMessaging();
        services.AddAuditRetention(configuration);
        services.AddInboundFolder();
        services.AddCitizenServices(configuration);
        services.AddReferralWorkflow(configuration);
        services.AddInbox();
        services.AddMailboxBus(configuration, bus => bus.AddWorkflowConsumers());
        services.AddProblemDetails();
        services.AddMailboxHealthChecks(configuration);
        services.AddMailboxTelemetry(configuration);
        services.AddMailboxRetention(configuration);
        services.AddMailboxAlerts(configuration);
        services.AddMailboxWeb(configuration);
        return services;
    }
}
