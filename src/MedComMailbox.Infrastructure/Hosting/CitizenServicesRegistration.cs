using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Hosting;

/// <summary>Which implementation of a national service is used.</summary>
public enum CitizenServiceMode
{
    /// <summary>Built-in stand-ins, no network (the embedded default).</summary>
    Development,

    /// <summary>KOMBIT's Serviceplatformen (SF1520, SF1601).</summary>
    Serviceplatformen,
}

public static class CitizenServicesRegistration
{
    public const string CprModeKey = "CprLookup:Mode";
    public const string DigitalPostModeKey = "DigitalPost:Mode";

    /// <summary>
    /// <see cref="ICustodyRegister"/> and <see cref="IDigitalPostGateway"/>, chosen by <c>CprLookup:Mode</c> and <c>DigitalPost:Mode</c>
    /// (<c>Development</c>, the default, or <c>Serviceplatformen</c>). Serviceplatformen mode registers the SF1520/SF1601 clients,
    /// whose settings are validated at start; Development mode needs none of them and also registers <see cref="IDevelopmentLetterBox"/>.
    /// An unknown mode fails here with an <see cref="OptionsValidationException"/>.
    /// </summary>
    public static IServiceCollection AddCitizenServices(this IServiceCollection services, IConfiguration configuration)
    {
        var cprMode = Mode(configuration, CprModeKey);
        var postMode = Mode(configuration, DigitalPostModeKey);

        if (cprMode == CitizenServiceMode.Serviceplatformen)
        {
            services.AddCprLookup();
            services.AddSingleton<ICustodyRegister, ServiceplatformCustodyRegister>();
        }
        else
        {
            services.AddOptions<DevelopmentPersonsOptions>().BindConfiguration(CprLookupOptions.Section).ValidateOnStart();
            services.AddSingleton<IValidateOptions<DevelopmentPersonsOptions>, DevelopmentPersonsValidation>();
            services.AddSingleton<ICustodyRegister>(sp => DevelopmentPersonRegister.Load(sp.GetRequiredService<IOptions<DevelopmentPersonsOptions>>().Value.DevelopmentPersonsFile));
        }

        if (postMode == CitizenServiceMode.Serviceplatformen)
        {
            services.AddDigitalPost();
            services.AddSingleton<IDigitalPostGateway, ServiceplatformDigitalPost>();
        }
        else
        {
            services.AddSingleton(sp =>
            {
                var mailbox = sp.GetRequiredService<IOptions<MailboxOptions>>().Value;
                return new DevelopmentDigitalPost(
                    Path.Combine(mailbox.ResolvePath(mailbox.DataDirectory), "digitalpost"),
                    sp,
                    sp.GetRequiredService<ILogger<DevelopmentDigitalPost>>());
            });
            services.AddSingleton<IDigitalPostGateway>(sp => sp.GetRequiredService<DevelopmentDigitalPost>());
            services.AddSingleton<IDevelopmentLetterBox>(sp => sp.GetRequiredService<DevelopmentDigitalPost>());
        }

        return services;
    }

    private static CitizenServiceMode Mode(IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return CitizenServiceMode.Development;
        }

        foreach (var mode in Enum.GetValues<CitizenServiceMode>())
        {
            if (value.Trim().Equals(mode.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return mode;
            }
        }

        throw new OptionsValidationException(key, typeof(CitizenServiceMode),
            [$"{key} is '{value}': use {CitizenServiceMode.Development} (built-in stand-in, the default) or {CitizenServiceMode.Serviceplatformen}."]);
    }
}
