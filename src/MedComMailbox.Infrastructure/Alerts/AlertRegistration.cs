using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace MedComMailbox.Infrastructure.Alerts;

public static class AlertRegistration
{
    /// <summary>
    /// Options (validated at start), the webhook's HTTP client behind a Polly retry (exponential, jitter) and timeout, and,
    /// when <c>Alerts:WebhookUrl</c> is set, the sweep wherever the consumers run (<c>Bus:RunConsumers</c>).
    /// </summary>
    public static IServiceCollection AddMailboxAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section).ValidateSettings().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FailureWebhook>();
        services.AddHttpClient(FailureWebhook.HttpClientName)
            .AddResilienceHandler("alerts", (pipeline, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptions<AlertOptions>>().Value;
                pipeline
                    .AddTimeout(TimeSpan.FromSeconds(60))
                    .AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 4, Delay = o.RetryDelay, BackoffType = DelayBackoffType.Exponential, UseJitter = true })
                    .AddTimeout(TimeSpan.FromSeconds(10));
            });

        var alerts = configuration.GetSection(AlertOptions.Section).Get<AlertOptions>();
        var runConsumers = BusOptions.RunsConsumers(configuration);
        if (!string.IsNullOrWhiteSpace(alerts?.WebhookUrl) && runConsumers)
        {
            services.AddHostedService<FailureWebhookService>();
        }

        return services;
    }
}
