using MedComMailbox.Infrastructure.Configuration;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MedComMailbox.Infrastructure.Bus;

public static class BusRegistration
{
    /// <summary>
    /// MassTransit on the configured transport. <paramref name="consumers"/> registers the consumers this process
    /// runs (skipped when Bus:RunConsumers is false); endpoints are named after them (kebab case). On RabbitMQ the
    /// <see cref="TopologyDeployer"/> declares every consumer's queue and binding whatever this process runs, so the
    /// topology never depends on which process starts first.
    /// </summary>
    public static IServiceCollection AddMailboxBus(this IServiceCollection services, IConfiguration configuration, Action<IBusRegistrationConfigurator>? consumers)
    {
        services.AddOptions<BusOptions>().BindConfiguration(BusOptions.Section).ValidateSettings().ValidateOnStart();
        var options = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();

        // Before MassTransit's own hosted service: the deployer's loop is running when the first publish is tried.
        services.AddSingleton(sp => new TopologyDeployer(options, consumers, sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<TopologyDeployer>());
        services.AddMassTransit(x => Configure(x, options, options.RunConsumers ? consumers : null, deployOnly: false));
        return services;
    }

    /// <summary>
    /// The one bus configuration, used by the running bus and by the deployer's throwaway bus (with
    /// <paramref name="deployOnly"/>), so both declare exactly the same queues, exchanges and bindings.
    /// </summary>
    internal static void Configure(IBusRegistrationConfigurator x, BusOptions options, Action<IBusRegistrationConfigurator>? consumers, bool deployOnly)
    {
        x.SetKebabCaseEndpointNameFormatter();
        // MassTransit would otherwise report host and bus details to its vendor: nothing leaves the municipality.
        x.DisableUsageTelemetry();
        consumers?.Invoke(x);

        if (options.Transport == BusTransport.RabbitMq && options.RabbitMqUrl is { } url)
        {
            // Quorum queues: replicated, and a poison message is dead-lettered after the delivery limit of the
            // policy in infra/rabbitmq/definitions.json instead of being redelivered for ever.
            x.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    rabbit.SetQuorumQueue();
                }
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                var (user, password) = Credentials(url);
                var vhost = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));
                cfg.Host(url.Host, url.IsDefaultPort ? (ushort)5672 : (ushort)url.Port, vhost.Length == 0 ? "/" : vhost, h =>
                {
                    h.Username(user);
                    h.Password(password);
                    h.PublisherConfirmation = true;
                    if (url.Scheme == "amqps")
                    {
                        h.UseSsl(s => s.Protocol = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
                    }
                });
                cfg.Durable = true;
                cfg.PrefetchCount = options.ConcurrentMessageLimit * 2;
                cfg.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                cfg.DeployTopologyOnly = deployOnly;
                cfg.ConfigureEndpoints(context);
            });
        }
        else
        {
            x.UsingInMemory((context, cfg) =>
            {
                cfg.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                cfg.ConfigureEndpoints(context);
            });
        }
    }

    private static (string User, string Password) Credentials(Uri url)
    {
        var parts = url.UserInfo.Split(':', 2);
        return parts.Length == 2 && parts[0].Length > 0
            ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1]))
            : ("guest", "guest");
    }
}
