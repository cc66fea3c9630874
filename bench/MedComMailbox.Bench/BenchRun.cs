using System.Diagnostics;
using System.Globalization;
using MedComMailbox.IntegrationTests.Resilience;

namespace MedComMailbox.Bench;

/// <summary>One configuration of the mailbox: the bus, and how many separate worker processes consume.</summary>
internal sealed record BenchConfiguration(string Name, bool RabbitMq, int Workers, string Description, bool Consumers = true);

/// <summary>The <c>run</c> command: the baselines once, then each configuration on a fresh data directory.</summary>
internal static class BenchRun
{
    public static readonly BenchConfiguration[] All =
    [
        new("embedded", false, 0, "SQLite + in-process bus, consumers in the web process (the default)"),
        new("rabbitmq", true, 0, "SQLite + RabbitMQ, consumers in the web process"),
        new("worker1", true, 1, "SQLite + RabbitMQ, web intake only, one Worker process"),
        new("worker2", true, 2, "SQLite + RabbitMQ, web intake only, two Worker processes"),
        new("intake-only", false, 0, "diagnostic: embedded, but no consumers anywhere (Bus:RunConsumers=false): the intake's own ceiling", Consumers: false),
    ];

    /// <summary>What <c>run</c> does without --configs.</summary>
    public static readonly string[] Default = ["embedded", "rabbitmq", "worker1", "worker2"];

    public static async Task<int> RunAsync(Options options)
    {
        var n = options.Int("n", 2000);
        var concurrency = options.Int("c", 32);
        var warmup = options.Int("warmup", 200);
        var pdf = options.Double("pdf", 0.1);
        var oioxml = options.Double("oioxml", 0.1);
        var seed = options.Int("seed", Environment.TickCount & 0x7fffffff);
        var names = options.String("configs", string.Join(',', Default)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var timeout = TimeSpan.FromSeconds(options.Int("timeout", 900));
        var rate = options.Double("rate", 0);
        var now = TimeProvider.System.GetLocalNow();
        var output = Path.GetFullPath(options.String("out", Path.Combine(TestPaths.Root, "bench", "results")));
        var folder = Path.Combine(output, now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var work = Path.Combine(Path.GetTempPath(), "medcom-bench-" + now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
        if (options.Unread.Any())
        {
            throw new InvalidOperationException("Unknown options: " + string.Join(", ", options.Unread));
        }

        var configurations = names.Select(name => All.FirstOrDefault(c => c.Name == name) ?? throw new InvalidOperationException($"Unknown configuration '{name}'")).ToList();
        Directory.CreateDirectory(work);
        Console.WriteLine($"bench: {n} messages (+{warmup} warm-up), concurrency {concurrency}, {pdf:P0} with a 200 KB PDF, {oioxml:P0} OIOXML, seed {seed}; work folder {work}");

        var baselineCorpus = Corpus.Create(Math.Min(n, 600), pdf, oioxml, seed, Path.Combine(work, "baseline-persons.json"));
        Console.WriteLine("baselines: parse (Firely raw vs ours) ...");
        var parse = Baselines.Parse(baselineCorpus, TimeSpan.FromSeconds(5));
        Console.WriteLine("baselines: SQLite single-row commits ...");
        var commits = await Baselines.SqliteCommitsPerSecondAsync(work, TimeSpan.FromSeconds(5));

        Broker? broker = null;
        var runs = new List<RunResult>();
        try
        {
            foreach (var configuration in configurations)
            {
                if (configuration.RabbitMq && broker is null)
                {
                    broker = await Broker.StartAsync(work);
                }

                runs.Add(await RunConfigurationAsync(configuration, n, warmup, concurrency, pdf, oioxml, seed + runs.Count + 1, Path.Combine(work, configuration.Name), timeout, rate));
            }
        }
        finally
        {
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }
        }

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
        var report = new BenchReport(
            now.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture),
            $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, load average at the end {load}",
            $"{n} messages per configuration ({1 - pdf - oioxml:P0} referrals ~10 KB, {pdf:P0} with a 200 KB PDF, {oioxml:P0} OIOXML), concurrency {concurrency}{(rate > 0 ? $", intake paced at {rate:0} msg/s (latency, not throughput)" : "")}, mailbox built in {TestPaths.Configuration}, log level Warning. " +
            "Other processes may share the machine: compare the ratios to the same-run baselines, not the absolute figures.",
            new BaselineResult(parse, commits),
            runs);
        Results.Write(report, folder);
        var table = Results.Table(report);
        Console.WriteLine();
        Console.WriteLine(table);
        File.WriteAllText(Path.Combine(output, "latest.md"), $"# Latest bench results\n\nWritten by `bench run` ({Path.GetFileName(folder)}); the full JSON, CSV and chart are in that folder (not committed).\n\n{table}");
        File.Copy(Path.Combine(folder, "chart.png"), Path.Combine(output, "latest.png"), overwrite: true);
        Console.WriteLine($"results: {folder} (result.json, result.md, summary.csv, samples.csv, chart.png); summary {Path.Combine(output, "latest.md")}");
        if (!options.Flag("keep"))
        {
            TryDelete(work);
        }

        return runs.All(r => (r.AllTriaged || r.Configuration == "intake-only") && r.Intake.Errors == 0) ? 0 : 1;
    }

    private static async Task<RunResult> RunConfigurationAsync(BenchConfiguration configuration, int n, int warmup, int concurrency, double pdf, double oioxml, int seed, string directory, TimeSpan timeout, double rate)
    {
        Console.WriteLine();
        Console.WriteLine($"== {configuration.Name}: {configuration.Description}");
        Directory.CreateDirectory(directory);
        var register = Path.Combine(directory, "persons.json");
        var corpus = Corpus.Create(warmup + n, pdf, oioxml, seed, register);
        var warm = corpus.Take(warmup).ToList();
        var messages = corpus.Skip(warmup).ToList();
        var settings = new Dictionary<string, string>
        {
            ["CprLookup__DevelopmentPersonsFile"] = register,
            ["Benchmark__Enabled"] = "true",
            ["Bus__Transport"] = configuration.RabbitMq ? "RabbitMq" : "InMemory",
        };
        TestVhost? vhost = null;
        if (configuration.RabbitMq)
        {
            vhost = await TestVhost.CreateAsync("bench");
            settings["Bus__RabbitMqUrl"] = vhost.Url.ToString();
        }

        try
        {
            using var mailbox = new Mailbox(directory, settings);
            await mailbox.StartAsync(configuration.Workers, webRunsConsumers: configuration.Workers == 0 && configuration.Consumers, vhost);
            var clock = Stopwatch.StartNew();
            await using var memory = new MemorySampler(() => mailbox.Web?.Id, clock);
            var probe = new WorkflowProbe(mailbox.Database);

            // Warm-up: JIT, connection pools, queues declared. Its cases are waited for so the measured phase starts level.
            var noOpProbe = await LoadGenerator.RunAsync(mailbox.BaseAddress, "api/benchmark/noop", warm.Take(1).ToList(), 1, clock, checkAnswers: false);
            if (noOpProbe.Samples.Count > 0 && noOpProbe.Samples[0].Status == 404)
            {
                throw new InvalidOperationException("POST /api/benchmark/noop answers 404: the web host's Program.cs lacks app.MapBenchmarkApi() (see bench/README.md).");
            }

            await LoadGenerator.RunAsync(mailbox.BaseAddress, "api/benchmark/noop", warm, concurrency, clock, checkAnswers: false);
            var warmIntake = await LoadGenerator.RunAsync(mailbox.BaseAddress, "api/intake", warm, concurrency, clock, checkAnswers: true);
            Require(warmIntake);
            var (warmCounts, warmDone) = configuration.Consumers ? await probe.WaitAsync(warm.Count, timeout) : (null, false);
            Console.WriteLine($"   warm-up: {warm.Count} messages, workflow {(warmDone ? "done" : "NOT done")}: {warmCounts}");

            var noOp = await LoadGenerator.RunAsync(mailbox.BaseAddress, "api/benchmark/noop", messages, concurrency, clock, checkAnswers: false);
            Console.WriteLine($"   no-op:  {noOp.PerSecond:0} msg/s, p50/p99 {noOp.Percentile(50):0.0}/{noOp.Percentile(99):0.0} ms");

            var intakeStartedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            var intakeStart = clock.Elapsed;
            var intake = await LoadGenerator.RunAsync(mailbox.BaseAddress, "api/intake", messages, concurrency, clock, checkAnswers: true, rate);
            Console.WriteLine($"   intake: {intake.PerSecond:0} msg/s, p50/p95/p99 {intake.Percentile(50):0.0}/{intake.Percentile(95):0.0}/{intake.Percentile(99):0.0} ms, 503 retries {intake.Retries503}, errors {intake.Errors.Count}");
            foreach (var error in intake.Errors.Take(5))
            {
                Console.WriteLine("     " + error);
            }

            var last = "";
            var (counts, done) = !configuration.Consumers ? (await probe.CountsAsync(), false) : await probe.WaitAsync(warm.Count + messages.Count, timeout, c =>
            {
                var line = $"   workflow: {c}";
                if (line != last && clock.Elapsed.TotalSeconds % 5 < 0.3)
                {
                    Console.WriteLine(line);
                    last = line;
                }
            });
            var allTriaged = (clock.Elapsed - intakeStart).TotalSeconds;
            Console.WriteLine($"   workflow {(done ? "done" : "NOT done")} {allTriaged:0.0} s after the intake started: {counts}");

            // Let memory settle for a few seconds after the work, so "steady" is what an idle-after-load process keeps.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var timings = (await probe.TimingsAsync()).Where(t => t.ReceivedAt >= intakeStartedAt).ToList();
            string[] databaseFiles = ["", "-wal"];
            var databaseBytes = databaseFiles.Select(suffix => new FileInfo(mailbox.Database + suffix)).Where(f => f.Exists).Sum(f => f.Length);
            var result = new RunResult
            {
                Configuration = rate > 0 ? $"{configuration.Name}@{rate:0}/s" : configuration.Name,
                Transport = configuration.RabbitMq ? "RabbitMq" : "InMemory",
                Workers = configuration.Workers,
                Messages = messages.Count,
                Concurrency = concurrency,
                Mix = string.Join(", ", messages.GroupBy(m => m.Kind).Select(g => $"{g.Key} {g.Count()}")),
                NoOp = Figures(noOp),
                Intake = Figures(intake),
                AllTriagedSeconds = allTriaged,
                AllTriaged = done,
                FinalCounts = counts?.ToString() ?? "no database",
                IssuedMs = Percentiles(timings.Select(t => t.IssuedMs)),
                OutMs = Percentiles(timings.Where(t => t.OutMs is not null).Select(t => t.OutMs!.Value)),
                PeakRssMb = memory.PeakMb,
                SteadyRssMb = memory.SteadyMb(),
                DatabaseBytes = databaseBytes,
                DatabaseMbPer10000 = databaseBytes / 1048576.0 / (warm.Count + messages.Count) * 10_000,
                IntakeStartSeconds = intakeStart.TotalSeconds,
                NoOpSamples = noOp.Samples,
                IntakeSamples = intake.Samples,
                Memory = memory.Samples,
            };
            Console.WriteLine($"   referral → letters out p50/p95/p99 {result.OutMs.P50:0}/{result.OutMs.P95:0}/{result.OutMs.P99:0} ms; RSS peak {result.PeakRssMb:0} MB, steady {result.SteadyRssMb:0} MB; database {databaseBytes / 1048576.0:0.0} MB");
            return result;
        }
        finally
        {
            if (vhost is not null)
            {
                await vhost.DisposeAsync();
            }
        }
    }

    private static void Require(LoadResult result)
    {
        if (result.Errors.Count > 0)
        {
            throw new InvalidOperationException($"The intake refused the warm-up ({result.Errors.Count} errors), e.g. {result.Errors[0]}");
        }
    }

    private static PhaseFigures Figures(LoadResult r) =>
        new(r.PerSecond, new Latency(r.Percentile(50), r.Percentile(95), r.Percentile(99)), r.Retries503, r.Errors.Count, r.ElapsedSeconds);

    private static Latency Percentiles(IEnumerable<double> values)
    {
        var list = values.ToList();
        return new Latency(Stats.Percentile(list, 50), Stats.Percentile(list, 95), Stats.Percentile(list, 99));
    }

    internal static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
