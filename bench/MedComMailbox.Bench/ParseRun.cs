using System.Globalization;
using MedComMailbox.MedCom.Fhir.Profiles;

namespace MedComMailbox.Bench;

/// <summary>
/// <c>parse</c>: the in-process parse baselines only, with MedCom profile validation off (our receiver rules) and on
/// (docs/adr/0012), on the same payloads, so the cost the profile validator adds per message is one subtraction.
/// </summary>
internal static class ParseRun
{
    public static int Run(Options options)
    {
        var n = options.Int("n", 200);
        var seconds = options.Double("seconds", 5);
        var seed = options.Int("seed", 42);
        if (options.Unread.Any())
        {
            throw new InvalidOperationException("Unknown options: " + string.Join(", ", options.Unread));
        }

        var work = Path.Combine(Path.GetTempPath(), "medcom-bench-parse-" + Environment.ProcessId);
        Directory.CreateDirectory(work);
        try
        {
            var corpus = Corpus.Create(n, 0.1, 0.1, seed, Path.Combine(work, "persons.json"));
            // CPU time as well as wall time: on a shared machine the wall time mostly says how busy the others were.
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            MedComProfileValidator.Shared.Warm();
            process.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"profile validator built and warmed: {(process.TotalProcessorTime - cpu).TotalMilliseconds:0} ms CPU, {clock.Elapsed.TotalMilliseconds:0} ms wall"));
            var off = Baselines.Parse(corpus, TimeSpan.FromSeconds(seconds), validateProfiles: false);
            var on = Baselines.Parse(corpus, TimeSpan.FromSeconds(seconds), validateProfiles: true);
            Console.WriteLine("| payloads | raw µs | ours, rules only µs (×raw) | ours, rules + profiles µs (×raw) | profiles add |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var (a, b) in off.Zip(on))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {a.Payloads} | {a.RawMicros:0} | {a.OursMicros:0} ({a.Ratio:0.00}×) | {b.OursMicros:0} ({b.OursMicros / a.RawMicros:0.00}×) | {(b.OursMicros - a.OursMicros) / 1000:0.00} ms |"));
            }

            Console.WriteLine();
            Console.WriteLine("CPU time per message (process CPU, each side until it used 2 s of CPU):");
            Console.WriteLine("| payloads | raw µs CPU | ours, rules only µs CPU (×raw) | ours, rules + profiles µs CPU (×raw) | profiles add (CPU) |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var (payloads, raw, rules, profiles) in Baselines.ParseCpu(corpus, TimeSpan.FromSeconds(2)))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {payloads} | {raw:0} | {rules:0} ({rules / raw:0.00}×) | {profiles:0} ({profiles / raw:0.00}×) | {(profiles - rules) / 1000:0.00} ms |"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
