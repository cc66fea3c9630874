using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedComMailbox.Infrastructure.MedComSending;

/// <summary>Once a minute: resend sent messages whose acknowledgement is overdue, flag those past their last resend.</summary>
public sealed partial class AcknowledgementWatchdog(OutboundMessages outbound, TimeProvider time, ILogger<AcknowledgementWatchdog> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await outbound.ResendOverdueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex.GetType().FullName);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The acknowledgement watchdog failed ({ExceptionType}); it tries again in a minute")]
    private static partial void LogFailed(ILogger logger, string? exceptionType);
}
