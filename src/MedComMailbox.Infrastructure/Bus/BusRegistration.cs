using MedComMailbox.Infrastructure.Configuration;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.Infrastructure.Bus;

public static class BusRegistration
{
    /// <summary>
    /// MassTransit on the configured transport. <paramref name="consumers"/> registers the consumers this process
    /// runs (skipped when Bus:RunConsumers is false); endpoints are named after them (kebab case).
    /// </summary>
    public static IServiceCollection AddMailboxBus(this IServiceCollection services, IConfiguration configuration, Action<IBusRegistrationConfigurator>? consumers)
    {
        services.AddOptions<BusOptions>().BindConfiguration(BusOptions.Section).ValidateSettings().ValidateOnStart();
        var options = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();

        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            // MassTransit would otherwise report host and bus details to its vendor: nothing leaves the municipality.
            x.DisableUsageTelemetry();
            if (options.RunConsumers)
            {
                consumers?.Invoke(x);
            }

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
        });
        return services;
    }

    private static (string User, string Password) Credentials(Uri url)
    {
        var parts = url.UserInfo.Split(':', 2);
        return parts.Length == 2 && parts[0].Length > 0
            ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1]))
            : ("guest", "guest");
    }
}
