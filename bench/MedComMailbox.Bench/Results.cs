using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedComMailbox.Bench;

internal sealed record Latency(double P50, double P95, double P99);

internal sealed record PhaseFigures(double PerSecond, Latency AckMs, int Retries503, int Errors, double ElapsedSeconds);

/// <summary>Everything one configuration's run measured, written as JSON and summarised in the table.</summary>
internal sealed record RunResult
{
    public required string Configuration { get; init; }

    public required string Transport { get; init; }

    public required int Workers { get; init; }

    public required int Messages { get; init; }

    public required int Concurrency { get; init; }

    public required string Mix { get; init; }

    public required PhaseFigures NoOp { get; init; }

    public required PhaseFigures Intake { get; init; }

    public double IntakeVsNoOp => Intake.PerSecond / NoOp.PerSecond;

    /// <summary>From the first intake request until every message is triaged and every receipt and letter is sent.</summary>
    public required double AllTriagedSeconds { get; init; }

    public required bool AllTriaged { get; init; }

    public required string FinalCounts { get; init; }

    /// <summary>Referral stored → case opened with the GP receipt and consent requests queued (one transaction).</summary>
    public required Latency IssuedMs { get; init; }

    /// <summary>Referral stored → GP receipt in the outbound folder and every consent request accepted by Digital Post.</summary>
    public required Latency OutMs { get; init; }

    public required double PeakRssMb { get; init; }

    public required double SteadyRssMb { get; init; }

    public required double DatabaseMbPer10000 { get; init; }

    /// <summary>Seconds from the configuration's start to the first intake request (the chart's zero for throughput and latency).</summary>
    public double IntakeStartSeconds { get; init; }

    public required long DatabaseBytes { get; init; }

    [JsonIgnore]
    public IReadOnlyList<Sample> NoOpSamples { get; init; } = [];

    [JsonIgnore]
    public IReadOnlyList<Sample> IntakeSamples { get; init; } = [];

    [JsonIgnore]
    public IReadOnlyList<(double At, double RssMb)> Memory { get; init; } = [];
}

internal sealed record BaselineResult(IReadOnlyList<ParseFigure> Parse, double SqliteCommitsPerSecond);

internal sealed record BenchReport(string StartedAt, string Machine, string Note, BaselineResult Baselines, IReadOnlyList<RunResult> Runs);

internal static class Results
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string Table(BenchReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"MedComMailbox bench, {report.StartedAt}, {report.Machine}");
        text.AppendLine(report.Note);
        text.AppendLine();
        text.AppendLine("| configuration | msgs | C | no-op msg/s | intake msg/s | intake/no-op | ack p50/p95/p99 ms | all triaged s | referral→letters out p50/p95/p99 ms | RSS peak/steady MB | DB MB per 10k |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in report.Runs)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Configuration} | {r.Messages} | {r.Concurrency} | {r.NoOp.PerSecond:0} | {r.Intake.PerSecond:0} | {r.IntakeVsNoOp:P0} | {L(r.Intake.AckMs)} | {(r.AllTriaged ? r.AllTriagedSeconds.ToString("0.0", CultureInfo.InvariantCulture) : "not done")} | {L(r.OutMs)} | {r.PeakRssMb:0}/{r.SteadyRssMb:0} | {r.DatabaseMbPer10000:0} |");
        }

        text.AppendLine();
        text.AppendLine("| payloads | raw parse µs | ours (parse+validate) µs | ours/raw |");
        text.AppendLine("|---|---|---|---|");
        foreach (var p in report.Baselines.Parse)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {p.Payloads} | {p.RawMicros:0} | {p.OursMicros:0} | {p.Ratio:0.00}× |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"SQLite single-row commits on the same disk (WAL, synchronous=FULL): {report.Baselines.SqliteCommitsPerSecond:0}/s");
        foreach (var r in report.Runs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {r.Configuration}: intake = {r.Intake.PerSecond / report.Baselines.SqliteCommitsPerSecond:P0} of that rate; case opened p50/p95/p99 {L(r.IssuedMs)} ms after the referral was stored; {r.FinalCounts}; 503 retries {r.Intake.Retries503}, errors {r.Intake.Errors}");
        }

        return text.ToString();
    }

    public static void Write(BenchReport report, string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "result.json"), JsonSerializer.Serialize(report, Json));
        File.WriteAllText(Path.Combine(folder, "result.md"), Table(report));

        var csv = new StringBuilder("configuration,phase,finished_at_s,latency_ms,status\n");
        foreach (var r in report.Runs)
        {
            foreach (var (phase, samples) in new[] { ("noop", r.NoOpSamples), ("intake", r.IntakeSamples) })
            {
                foreach (var s in samples)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{r.Configuration},{phase},{s.At:0.000},{s.LatencyMs:0.00},{s.Status}\n");
                }
            }
        }

        File.WriteAllText(Path.Combine(folder, "samples.csv"), csv.ToString());

        var summary = new StringBuilder("configuration,messages,concurrency,noop_per_s,intake_per_s,intake_vs_noop,ack_p50_ms,ack_p95_ms,ack_p99_ms,all_triaged_s,out_p50_ms,out_p95_ms,out_p99_ms,rss_peak_mb,rss_steady_mb,db_mb_per_10k\n");
        foreach (var r in report.Runs)
        {
            summary.Append(CultureInfo.InvariantCulture,
                $"{r.Configuration},{r.Messages},{r.Concurrency},{r.NoOp.PerSecond:0.0},{r.Intake.PerSecond:0.0},{r.IntakeVsNoOp:0.000},{r.Intake.AckMs.P50:0.0},{r.Intake.AckMs.P95:0.0},{r.Intake.AckMs.P99:0.0},{r.AllTriagedSeconds:0.0},{r.OutMs.P50:0},{r.OutMs.P95:0},{r.OutMs.P99:0},{r.PeakRssMb:0},{r.SteadyRssMb:0},{r.DatabaseMbPer10000:0.0}\n");
        }

        File.WriteAllText(Path.Combine(folder, "summary.csv"), summary.ToString());
        Chart.Write(report, Path.Combine(folder, "chart.png"));
    }

    private static string L(Latency l) => string.Create(CultureInfo.InvariantCulture, $"{l.P50:0}/{l.P95:0}/{l.P99:0}");
}

/// <summary>Throughput, acknowledgement latency and memory over time, one colour per configuration (ScottPlot, PNG).</summary>
internal static class Chart
{
    public static void Write(BenchReport report, string file)
    {
        ScottPlot.IMultiplot multiplot = new ScottPlot.Multiplot();
        ScottPlot.IMultiplotExtensions.AddPlots(multiplot, 3);
        var throughput = ScottPlot.IMultiplotExtensions.GetPlot(multiplot, 0);
        var latency = ScottPlot.IMultiplotExtensions.GetPlot(multiplot, 1);
        var memory = ScottPlot.IMultiplotExtensions.GetPlot(multiplot, 2);
        throughput.Title("Accepted messages per second at the intake (the no-op baseline is in the table)");
        latency.Title("Acknowledgement latency p50 / p99 per second (ms)");
        memory.Title("Web process RSS (MB)");
        throughput.XLabel("seconds since the intake phase started");
        latency.XLabel("seconds since the intake phase started");
        memory.XLabel("seconds since the web process started");

        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var run in report.Runs)
        {
            var colour = palette.GetColor(index++);
            foreach (var (samples, dashed) in new[] { (run.IntakeSamples, false) })
            {
                var ok = samples.Where(s => s.Status is 200 or 202).Select(s => s with { At = s.At - run.IntakeStartSeconds }).ToList();
                if (ok.Count == 0)
                {
                    continue;
                }

                var buckets = ok.GroupBy(s => Math.Floor(s.At)).OrderBy(g => g.Key).ToList();
                var rate = throughput.Add.Scatter(buckets.Select(b => b.Key).ToArray(), buckets.Select(b => (double)b.Count()).ToArray());
                rate.Color = colour;
                rate.MarkerSize = 0;
                if (dashed)
                {
                    rate.LinePattern = ScottPlot.LinePattern.Dashed;
                }
                else
                {
                    rate.LegendText = run.Configuration;
                    var p50 = latency.Add.Scatter(buckets.Select(b => b.Key).ToArray(), buckets.Select(b => Stats.Percentile(b.Select(s => s.LatencyMs), 50)).ToArray());
                    p50.Color = colour;
                    p50.MarkerSize = 0;
                    p50.LegendText = run.Configuration + " p50";
                    var p99 = latency.Add.Scatter(buckets.Select(b => b.Key).ToArray(), buckets.Select(b => Stats.Percentile(b.Select(s => s.LatencyMs), 99)).ToArray());
                    p99.Color = colour;
                    p99.MarkerSize = 0;
                    p99.LinePattern = ScottPlot.LinePattern.Dotted;
                    p99.LegendText = run.Configuration + " p99";
                }
            }

            if (run.Memory.Count > 0)
            {
                var rss = memory.Add.Scatter(run.Memory.Select(m => m.At).ToArray(), run.Memory.Select(m => m.RssMb).ToArray());
                rss.Color = colour;
                rss.MarkerSize = 0;
                rss.LegendText = run.Configuration;
            }
        }

        throughput.ShowLegend();
        latency.ShowLegend();
        memory.ShowLegend();
        ScottPlot.IMultiplotExtensions.SavePng(multiplot, file, 1200, 1200);
    }
}
