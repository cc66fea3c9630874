using MassTransit;
using MedComMailbox.Contracts;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.Extensions.Logging;

namespace MedComMailbox.Workflow.Triage;

/// <summary>
/// Takes each received message to the people who work the mailbox: one inbox item per message, however often the
/// event is delivered. Exceptions flow to MassTransit, so retries and the <c>_error</c> queue apply.
/// </summary>
public sealed partial class TriageConsumer(InboxStore inbox, ILogger<TriageConsumer> logger) : IConsumer<MedComMessageReceived>
{
    public const string Name = "triage";

    public async Task Consume(ConsumeContext<MedComMessageReceived> context)
    {
        var m = context.Message;
        var routed = await inbox.RouteToInboxAsync(Name, m.MessageId, m.MailboxGln, m.ThreadId, context.CancellationToken);
        if (routed)
        {
            LogRouted(logger, m.MessageId, m.Kind, m.Category);
        }
        else
        {
            LogRedelivery(logger, m.MessageId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} ({Kind}, {Category}) put in the inbox")]
    private static partial void LogRouted(ILogger logger, Guid messageId, string kind, string? category);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} was delivered again; already in the inbox, nothing changed")]
    private static partial void LogRedelivery(ILogger logger, Guid messageId);
}

/// <summary>Retry policy beside the consumer: a few quick tries for a busy database, then the error queue.</summary>
public sealed class TriageConsumerDefinition : ConsumerDefinition<TriageConsumer>
{
    public TriageConsumerDefinition() => EndpointName = "medcom-triage";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TriageConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)));
    }
}
