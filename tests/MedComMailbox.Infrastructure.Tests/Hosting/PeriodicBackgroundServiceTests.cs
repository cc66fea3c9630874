using System.Collections.Concurrent;
using MedComMailbox.Infrastructure.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace MedComMailbox.Infrastructure.Tests.Hosting;

public sealed class PeriodicBackgroundServiceTests
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task It_runs_at_start_and_then_once_per_interval_on_the_fake_clock_not_before()
    {
        using var service = new Probe(_clock, runsAtStart: true);
        await service.StartAsync(default);
        Assert.True(await service.Runs.WaitAsync(Patience), "no run at start");

        _clock.Advance(Every - TimeSpan.FromSeconds(1));
        Assert.False(await service.Runs.WaitAsync(Quiet), "a run before the interval had passed");
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await service.Runs.WaitAsync(Patience), "no run after the interval");
        await service.StopAsync(default);
    }

    [Fact]
    public async Task Without_a_run_at_start_the_first_run_comes_after_the_first_interval()
    {
        using var service = new Probe(_clock, runsAtStart: false);
        await service.StartAsync(default);
        Assert.False(await service.Runs.WaitAsync(Quiet), "a run at start");

        _clock.Advance(Every);
        Assert.True(await service.Runs.WaitAsync(Patience), "no run after the first interval");
        await service.StopAsync(default);
    }

    [Fact]
    public async Task A_failed_run_is_logged_by_its_type_and_the_next_tick_runs_again()
    {
        using var service = new Probe(_clock, runsAtStart: true) { FailFirst = new InvalidOperationException("quoted parameter 0101011234") };
        await service.StartAsync(default);
        Assert.True(await service.Runs.WaitAsync(Patience));

        _clock.Advance(Every);
        Assert.True(await service.Runs.WaitAsync(Patience), "the failure stopped the loop");
        Assert.Equal([nameof(InvalidOperationException)], service.Logged);
        Assert.False(service.ExecuteTask!.IsCompleted);
        await service.StopAsync(default);
    }

    [Fact]
    public async Task A_cancellation_the_run_met_on_its_own_such_as_an_http_timeout_is_a_failure_like_any_other_not_a_stop()
    {
        using var service = new Probe(_clock, runsAtStart: true) { FailFirst = new TaskCanceledException("HttpClient.Timeout") };
        await service.StartAsync(default);
        Assert.True(await service.Runs.WaitAsync(Patience));

        _clock.Advance(Every);
        Assert.True(await service.Runs.WaitAsync(Patience), "the timeout ended the service");
        Assert.Equal([nameof(TaskCanceledException)], service.Logged);
        Assert.False(service.ExecuteTask!.IsCompleted);
        await service.StopAsync(default);
    }

    [Fact]
    public async Task A_failure_the_service_does_not_carry_on_after_ends_it_and_a_stop_ends_it_without_a_failure()
    {
        using var failing = new Probe(_clock, runsAtStart: true) { FailFirst = new InvalidOperationException(), CarriesOn = false };
        await failing.StartAsync(default);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.ExecuteTask!.WaitAsync(Patience));
        Assert.Empty(failing.Logged);

        using var stopped = new Probe(_clock, runsAtStart: true);
        await stopped.StartAsync(default);
        Assert.True(await stopped.Runs.WaitAsync(Patience));
        await stopped.StopAsync(default);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped.ExecuteTask!.WaitAsync(Patience));
        _clock.Advance(Every);
        Assert.False(await stopped.Runs.WaitAsync(Quiet), "a run after the stop");
        Assert.Empty(stopped.Logged);
    }

    private sealed class Probe(TimeProvider time, bool runsAtStart) : PeriodicBackgroundService(time)
    {
        public SemaphoreSlim Runs { get; } = new(0);

        public ConcurrentQueue<string> Logged { get; } = new();

        public Exception? FailFirst { get; set; }

        public bool CarriesOn { get; set; } = true;

        protected override TimeSpan Interval => Every;

        protected override bool RunsAtStart => runsAtStart;

        protected override Task RunOnceAsync(CancellationToken cancellationToken)
        {
            Runs.Release();
            var failure = FailFirst;
            FailFirst = null;
            return failure is null ? Task.CompletedTask : Task.FromException(failure);
        }

        protected override bool CarriesOnAfter(Exception exception, CancellationToken stoppingToken) =>
            CarriesOn && base.CarriesOnAfter(exception, stoppingToken);

        protected override void LogFailed(Exception exception) => Logged.Enqueue(exception.GetType().Name);

        public override void Dispose()
        {
            Runs.Dispose();
            base.Dispose();
        }
    }
}
