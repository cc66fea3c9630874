using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.MedCom.Fhir.Profiles;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Hosting;

/// <summary>
/// Builds MedCom's profile validator and compiles its schemas in the background at start, so the first message
/// does not pay for it. It does not hold up the start: a message that arrives earlier waits for the same build.
/// </summary>
internal sealed partial class ProfileValidatorWarmUp(IOptions<MailboxOptions> options, ILogger<ProfileValidatorWarmUp> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ValidateProfiles)
        {
            return Task.CompletedTask;
        }

        return Task.Run(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            MedComProfileValidator.Shared.Warm();
            LogWarm(logger, clock.ElapsedMilliseconds);
        }, stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MedCom profile validator ready in {Milliseconds} ms")]
    private static partial void LogWarm(ILogger logger, long milliseconds);
}
