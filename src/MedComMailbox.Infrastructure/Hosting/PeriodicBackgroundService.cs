using Microsoft.Extensions.Hosting;

namespace MedComMailbox.Infrastructure.Hosting;

/// <summary>
/// The shape the house's sweeps share: run <see cref="RunOnceAsync"/> at start (or after the first interval) and then
/// on every tick of a <see cref="PeriodicTimer"/> over the <see cref="TimeProvider"/>, so tests move a fake clock and
/// nothing sleeps. A failed run is logged (by its exception type only: a driver's message can quote parameters) and the
/// next tick tries again; stopping the host cancels the wait and the run.
/// </summary>
public abstract class PeriodicBackgroundService(TimeProvider time) : BackgroundService
{
    /// <summary>The clock the timer runs on; subclasses read the time from it too.</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>The time between two runs, read once when the service starts.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>True: the first run is at start; false: after the first interval.</summary>
    protected abstract bool RunsAtStart { get; }

    /// <summary>One run of the work.</summary>
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>Logs a run that failed and that <see cref="CarriesOnAfter"/> let pass.</summary>
    protected abstract void LogFailed(Exception exception);

    /// <summary>
    /// Whether a failed run is logged and the next tick tries again; if not, the exception ends the service (and, by
    /// .NET's default, the host). By default every failure but the host's own stop: a cancellation the run met on its
    /// own (an HTTP client's timeout is a <see cref="TaskCanceledException"/>, a command timeout) is a failure like any
    /// other, so a slow webhook or database does not stop the mailbox.
    /// </summary>
    protected virtual bool CarriesOnAfter(Exception exception, CancellationToken stoppingToken) =>
        !(exception is OperationCanceledException && stoppingToken.IsCancellationRequested);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Time);
        if (RunsAtStart)
        {
            await RunAndCarryOnAsync(stoppingToken);
        }

        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RunAndCarryOnAsync(stoppingToken);
        }
    }

    private async Task RunAndCarryOnAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunOnceAsync(stoppingToken);
        }
        catch (Exception e) when (CarriesOnAfter(e, stoppingToken))
        {
            LogFailed(e);
        }
    }
}
