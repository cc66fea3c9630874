using MedComMailbox.Infrastructure.Hosting;
using Microsoft.Extensions.Logging;

namespace MedComMailbox.Infrastructure.MedComSending;

/// <summary>Once a minute: resend sent messages whose acknowledgement is overdue, flag those past their last resend.</summary>
public sealed partial class AcknowledgementWatchdog(OutboundMessages outbound, TimeProvider time, ILogger<AcknowledgementWatchdog> logger)
    : PeriodicBackgroundService(time)
{
    protected override TimeSpan Interval { get; } = TimeSpan.FromMinutes(1);

    protected override bool RunsAtStart => true;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => outbound.ResendOverdueAsync(cancellationToken);

    protected override void LogFailed(Exception exception) => LogFailed(logger, exception.GetType().FullName);

    [LoggerMessage(Level = LogLevel.Error, Message = "The acknowledgement watchdog failed ({ExceptionType}); it tries again in a minute")]
    private static partial void LogFailed(ILogger logger, string? exceptionType);
}
