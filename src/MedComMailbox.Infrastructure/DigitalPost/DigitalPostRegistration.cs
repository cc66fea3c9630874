using MedComMailbox.Infrastructure.Configuration;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.DigitalPost;

public static class DigitalPostRegistration
{
    /// <summary>
    /// SF1601: options (validated at start), the token cache, and typed HTTP clients behind the standard resilience
    /// pipeline (timeouts, retry with backoff and jitter, circuit breaker). Mutual TLS when a certificate is configured.
    /// </summary>
    public static IServiceCollection AddDigitalPost(this IServiceCollection services, Action<HttpStandardResilienceOptions>? resilience = null)
    {
        services.AddOptions<DigitalPostOptions>().BindConfiguration(DigitalPostOptions.Section).ValidateSettings().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DigitalPostOptions>, DigitalPostCertificateValidation>();
        services.AddSingleton<DigitalPostTokenCache>();
        services.AddHttpClient(DigitalPostTokenCache.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(ClientCertificateHandler)
            .AddStandardResilienceHandler(o => resilience?.Invoke(o));
        services.AddHttpClient<DigitalPostClient>()
            .ConfigurePrimaryHttpMessageHandler(ClientCertificateHandler)
            .AddStandardResilienceHandler(o => resilience?.Invoke(o));
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    private static HttpMessageHandler ClientCertificateHandler(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<DigitalPostOptions>>().Value;
        var handler = new SocketsHttpHandler();
        if (!string.IsNullOrEmpty(options.CertificatePath))
        {
            handler.SslOptions.ClientCertificates =
            [
                X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword),
            ];
        }

        return handler;
    }
}
