using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Tests.Configuration;

/// <summary>
/// Runs the start-up validation exactly as the host does (<see cref="IStartupValidator"/>) over the real registration
/// methods, and returns the failure sentences.
/// </summary>
internal static class StartupValidation
{
    public static IReadOnlyList<string> Failures(Dictionary<string, string?> settings, Action<IServiceCollection, IConfiguration>? register = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging();
        if (register is null)
        {
            services.AddMailboxStorageAndMessaging();
            services.AddMailboxBus(config, consumers: null);
        }
        else
        {
            register(services, config);
        }

        using var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException e)
        {
            return e.Failures.ToList();
        }
        catch (AggregateException e)
        {
            return e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(f => f.Failures).ToList();
        }
    }

    /// <summary>Settings that pass: one mailbox of the fictitious municipality.</summary>
    public static Dictionary<string, string?> Valid(params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mailbox:Mailboxes:0:Gln"] = "5790000991006",
            ["Mailbox:Mailboxes:0:SorId"] = "1234561000016001",
            ["Mailbox:Mailboxes:0:Name"] = "Koordinationsudvalget, Eksempel Kommune",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static void AddServiceplatformen(IServiceCollection services, IConfiguration configuration)
    {
        services.AddCprLookup();
        services.AddDigitalPost();
    }
}
