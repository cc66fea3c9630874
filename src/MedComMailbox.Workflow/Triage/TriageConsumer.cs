using MassTransit;
using MedComMailbox.Contracts;
using MedComMailbox.Infrastructure.Bus;
using Microsoft.Extensions.Options;
using MedComMailbox.Workflow.Referrals;

namespace MedComMailbox.Workflow.Triage;

/// <summary>
/// Triage of each received message (see <see cref="ReferralTriage.TriageAsync"/>): the inbox, a new case, or an
/// existing case; once per message however often the event is delivered. Exceptions flow to MassTransit, so retries
/// and the <c>_error</c> queue apply.
/// </summary>
public sealed class TriageConsumer(ReferralTriage triage) : IConsumer<MedComMessageReceived>
{
    public const string Name = ReferralTriage.TriageConsumerName;

    public Task Consume(ConsumeContext<MedComMessageReceived> context) =>
        triage.TriageAsync(context.Message.MessageId, Name, context.CancellationToken);
}

/// <summary>Retry policy beside the consumer: a few quick tries for a busy database, then the error queue.</summary>
public sealed class TriageConsumerDefinition : ConsumerDefinition<TriageConsumer>
{
    /// <summary>The queue is <c>Bus:TriageQueue</c> (default <c>medcom-triage</c>).</summary>
    public TriageConsumerDefinition(IOptions<BusOptions> options) => EndpointName = options.Value.TriageQueue;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TriageConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)));
    }
}
