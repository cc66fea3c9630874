using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Bus;

/// <summary>
/// Declares the whole consumer topology on RabbitMQ (every consumer's quorum queue, the message-type exchanges and
/// the bindings between them) from whichever process starts, web or worker, whatever <c>Bus:RunConsumers</c> says.
/// It builds a throwaway MassTransit bus with the same configuration as the running one and
/// <c>DeployTopologyOnly</c>, deploys it and disposes it: nothing is consumed. Without this, a web process publishing
/// before any worker had started sent to an exchange no queue was bound to; RabbitMQ confirmed and dropped the event.
/// The outbox publishes only once the topology is deployed, and asks for it again when a mandatory publish comes back
/// unroutable (a broker reset or a recreated vhost took the queues away).
/// </summary>
public sealed partial class TopologyDeployer : BackgroundService
{
    private static readonly TimeSpan DeployTimeout = TimeSpan.FromSeconds(60);
    private readonly BusOptions _options;
    private readonly Action<IBusRegistrationConfigurator>? _consumers;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _wake = new(0);
    private volatile bool _deployed;

    public TopologyDeployer(BusOptions options, Action<IBusRegistrationConfigurator>? consumers, ILoggerFactory loggers)
    {
        _options = options;
        _consumers = consumers;
        _loggers = loggers;
        _logger = loggers.CreateLogger<TopologyDeployer>();
        _deployed = options.Transport != BusTransport.RabbitMq;
        ConsumedMessageTypes = ConsumedTypes(consumers);
    }

    /// <summary>True once the topology stands (always true on the in-memory bus, where there is none to deploy).</summary>
    public bool IsDeployed => _deployed;

    /// <summary>The event types some consumer of this application takes: published mandatory, so a publish no queue receives fails.</summary>
    public IReadOnlySet<Type> ConsumedMessageTypes { get; }

    /// <summary>A publish came back unroutable: deploy again before the next one.</summary>
    public void Redeploy()
    {
        if (_options.Transport != BusTransport.RabbitMq)
        {
            return;
        }

        _deployed = false;
        _wake.Release();
    }

    /// <summary>Deploys once (also used by tests, which then read the broker's definitions).</summary>
    public async Task DeployAsync(CancellationToken cancellationToken)
    {
        if (_options.Transport != BusTransport.RabbitMq)
        {
            return;
        }

        var services = new ServiceCollection();
        services.AddSingleton(_loggers);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(Options.Create(_options));
        services.AddMassTransit(x => BusRegistration.Configure(x, _options, _consumers, deployOnly: true));
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DeployTimeout);
        try
        {
            await bus.DeployAsync(timeout.Token);
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
        }

        _deployed = true;
        LogDeployed(_logger, ConsumedMessageTypes.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!_deployed)
            {
                try
                {
                    await DeployAsync(stoppingToken);
                    delay = TimeSpan.FromSeconds(1);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The broker is not there yet (or the vhost is gone): the outbox waits, nothing is published.
                    LogDeployFailed(_logger, ex.GetType().FullName, delay.TotalSeconds);
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
                    continue;
                }
            }

            await _wake.WaitAsync(stoppingToken);
        }
    }

    private static HashSet<Type> ConsumedTypes(Action<IBusRegistrationConfigurator>? consumers)
    {
        // The consumers register themselves in a scratch collection; their IConsumer<T> interfaces name the events.
        var scratch = new ServiceCollection();
        scratch.AddMassTransit(x => consumers?.Invoke(x));
        return scratch
            .Select(d => d.ServiceType)
            .Where(t => t is { IsClass: true, IsAbstract: false })
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0])
            .ToHashSet();
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "RabbitMQ topology deployed (queues and bindings for {Count} consumed event types)")]
    private static partial void LogDeployed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ topology could not be deployed ({ExceptionType}); publishing waits, next try in {DelaySeconds} s")]
    private static partial void LogDeployFailed(ILogger logger, string? exceptionType, double delaySeconds);
}
