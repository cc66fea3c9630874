using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.Workflow.Inbox;

public static class InboxRegistration
{
    /// <summary>The inbox's queries and commands (the pages use them; the workflow fills the inbox).</summary>
    public static IServiceCollection AddInbox(this IServiceCollection services)
    {
        services.AddSingleton<InboxQueries>();
        services.AddSingleton<MessageDetailQueries>();
        services.AddSingleton<InboxCommands>();
        services.AddSingleton<AcknowledgementQueries>();
        return services;
    }
}
