namespace MedComMailbox.Tests;

/// <summary>
/// Settings for a host on a <c>FakeTimeProvider</c> that a test moves by days, weeks or a year.
/// A <see cref="System.Threading.PeriodicTimer"/> on a fake clock ticks once per elapsed period, and the loop waiting on
/// it runs its body inline on the thread that moves the clock: moved by a year, a 30-second gauge is a million database
/// queries, and the test waits minutes for its own <c>Advance</c>. The housekeeping loops (gauges, reconciliation, alerts,
/// the optimiser; retention is daily already) therefore tick as seldom as their settings allow under a fake clock.
/// </summary>
public static class FakeClockSettings
{
    /// <summary>A Monday morning, the start of every fake-clock test.</summary>
    public static readonly DateTimeOffset Monday = new(2026, 11, 16, 8, 0, 0, TimeSpan.Zero);

    public static readonly IReadOnlyDictionary<string, string?> Housekeeping = new Dictionary<string, string?>
    {
        ["Telemetry:GaugeInterval"] = "01:00:00",
        ["Reconciliation:Interval"] = "01:00:00",
        ["Alerts:PollInterval"] = "01:00:00",
        ["Storage:OptimizeInterval"] = "1.00:00:00",
    };
}
