using Microsoft.Extensions.Configuration;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Intake;
using MedComMailbox.Infrastructure.MedComSending;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Reconciliation;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.Infrastructure.Vans;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Envelopes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Hosting;

public static class MailboxServices
{
    /// <summary>
    /// Storage (schema applied at start-up), the MedCom reader and answer builders, the VANS transport, the outbox
    /// dispatcher, the reconciliation sweep and the acknowledgement watchdog: what both the web process and a worker need.
    /// </summary>
    public static IServiceCollection AddMailboxStorageAndMessaging(this IServiceCollection services)
    {
        services.AddOptions<MailboxOptions>().BindConfiguration(MailboxOptions.Section)
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                // A municipality's mailbox list replaces the example list of appsettings.json; it is not merged by position.
                if (ListsReplace.AboveTheApplicationFiles(configuration, $"{MailboxOptions.Section}:{nameof(MailboxOptions.Mailboxes)}") is { } list)
                {
                    options.Mailboxes.Clear();
                    options.Mailboxes.AddRange(list.Get<List<MailboxEntry>>() ?? []);
                }
            })
            .ValidateSettings().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateSettings().ValidateOnStart();
        services.AddOptions<VansOptions>().BindConfiguration(VansOptions.Section).ValidateSettings().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMailboxMeters();

        // First hosted service: the schema is current before anything else starts.
        services.AddHostedService<SchemaMigration>();
        services.AddSingleton(sp => MailboxDatabase.From(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<IOptions<MailboxOptions>>().Value));
        services.AddHostedService<DatabaseOptimizer>();
        services.AddSingleton<MessageStore>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<Audit.AuditLog>();

        services.AddSingleton<IInboundMessageReader>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MailboxOptions>>().Value;
            return new InboundReader(options.Identities, validateProfiles: options.ValidateProfiles);
        });
        services.AddSingleton(sp => new StoredMessageReader(sp.GetRequiredService<IOptions<MailboxOptions>>().Value.Identities));
        services.AddHostedService<ProfileValidatorWarmUp>();
        services.AddSingleton<IAcknowledgementFactory>(_ => new AcknowledgementFactory());
        services.AddSingleton<IEnvelopeCodec, VansEnvelopeCodec>();

        services.AddSingleton(sp =>
        {
            var mailbox = sp.GetRequiredService<IOptions<MailboxOptions>>().Value;
            return VansPaths.From(sp.GetRequiredService<IOptions<VansOptions>>().Value, mailbox.ResolvePath(mailbox.DataDirectory));
        });
        services.AddHttpClient(VansTransport.HttpClientName).AddStandardResilienceHandler();
        services.AddSingleton<IVansTransport, VansTransport>();

        services.AddSingleton<OutboxSignal>();
        services.AddOptions<QuarantineOptions>().BindConfiguration(QuarantineOptions.Section).ValidateSettings().ValidateOnStart();
        services.AddSingleton<Quarantine>();
        services.AddSingleton<IntakeService>();
        services.AddSingleton<OutboundMessages>();
        services.AddHostedService<OutboxDispatcher>();
        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section).ValidateSettings().ValidateOnStart();
        services.AddSingleton<ReconciliationSweep>();
        services.AddHostedService<ReconciliationService>();
        services.AddHostedService<AcknowledgementWatchdog>();
        return services;
    }

    /// <summary>The VANS provider's drop folder, watched by the intake process.</summary>
    public static IServiceCollection AddInboundFolder(this IServiceCollection services)
    {
        services.AddSingleton<InboundFolderWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundFolderWatcher>());
        return services;
    }

    private sealed class SchemaMigration(IOptions<StorageOptions> storage, MailboxDatabase database, ILogger<SchemaMigration> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (storage.Value.MigrateOnStart)
            {
                database.Migrate(logger);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
