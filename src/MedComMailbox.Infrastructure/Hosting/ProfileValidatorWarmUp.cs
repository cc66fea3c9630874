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

        // A thread of its own, not one of the pool's: the build takes seconds of CPU, and every host of the process
        // that starts meanwhile waits on the same build. On pool threads those waits starve the pool, and requests,
        // health checks and HTTP calls of the starting host time out behind them.
        return Task.Factory.StartNew(
            () =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                MedComProfileValidator.Shared.Warm();
                LogWarm(logger, clock.ElapsedMilliseconds);
            },
            stoppingToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MedCom profile validator ready in {Milliseconds} ms")]
    private static partial void LogWarm(ILogger logger, long milliseconds);
}
