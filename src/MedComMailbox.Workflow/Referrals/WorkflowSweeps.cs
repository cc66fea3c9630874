using MedComMailbox.Infrastructure.Bus;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// The periodic sweep: due deadlines (reminders, lapses, consent expiry, custody re-checks, deferred triage) and due
/// letters. Woken right after a commit that queued work, otherwise every <see cref="WorkflowOptions.SweepInterval"/>.
/// Everything it does is leased in the database, so restarts and several workers never lose or double anything.
/// </summary>
public sealed partial class WorkflowSweeps(
    DeadlineSweep deadlines,
    LetterDispatcher letters,
    WorkflowSignal signal,
    IOptions<WorkflowOptions> options,
    ILogger<WorkflowSweeps> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await Task.WhenAll(
            LoopAsync("deadlines", signal.Deadlines, deadlines.RunDueDeadlinesAsync, stoppingToken),
            LoopAsync("letters", signal.Letters, letters.SendDueAsync, stoppingToken));
    }

    private async Task LoopAsync(string name, Infrastructure.Outbox.OutboxSignal wake, Func<CancellationToken, Task<int>> run, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await run(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogSweepFailed(logger, name, e.GetType().FullName);
            }

            try
            {
                await wake.WaitAsync(options.Value.SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Sweep} sweep failed ({ExceptionType}); it runs again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, string sweep, string? exceptionType);
}
