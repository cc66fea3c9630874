using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace MedComMailbox.IntegrationTests.Resilience;

/// <summary>
/// The web host is SIGKILLed every one to two seconds while senders deliver a load the way a VANS provider does
/// (resending until 202 or 200). Afterwards every message must be stored once, consumed once and answered ok.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Senders = 4;
    private const int MinimumKills = 5;
    private static readonly TimeSpan LoadSpread = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan ProgressWait = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Killing_the_web_process_under_load_loses_nothing_and_doubles_nothing_on_RabbitMQ()
    {
        Skip.IfNot(TestVhost.Available, TestVhost.NoBroker);
        await using var vhost = await TestVhost.CreateAsync("crash");
        await RunAsync("RabbitMq", 300, new Dictionary<string, string>
        {
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMqUrl"] = vhost.Url.ToString(),
            ["Bus__PublishTimeout"] = "00:00:05",
        });
    }

    [Fact]
    public async Task Killing_the_web_process_under_load_loses_nothing_and_doubles_nothing_in_memory()
    {
        await RunAsync("InMemory", 150, new Dictionary<string, string>
        {
            ["Bus__Transport"] = "InMemory",
        });
    }

    private async Task RunAsync(string variant, int count, Dictionary<string, string> settings)
    {
        using var data = new TempDirectory("crash");
        var messages = new SampleMessages().Create(count);
        var db = new MailboxDb(data.Path);
        var acks = new AckFolder(data.Path);
        using var web = new WebHostProcess(data.Path, settings, data.File("web.log"));
        var total = Stopwatch.StartNew();
        web.Start();
        await web.WaitHealthyAsync(TimeSpan.FromSeconds(60));

        using var sender = new VansSender(web.BaseAddress);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var kills = 0;
        var loadDone = false;
        long storedAtLastKill = 0;
        var killer = Task.Run(async () =>
        {
            while (true)
            {
                await web.WaitHealthyAsync(TimeSpan.FromSeconds(60));
                if (Volatile.Read(ref loadDone) && kills >= MinimumKills)
                {
                    return;
                }

                await Task.Delay(1000 + random.Next(1000));
                // A process is killed only once it has stored something since the last kill (or after ProgressWait). On a
                // starved machine a new process needs longer than the kill interval to warm up its first intake (JIT,
                // Firely's model); killed "healthy" but cold, each one stored nothing and the run livelocked into the
                // load's hang guard (seen at load 25-30, and reproduced on main and with the group-commit writer alike).
                await WaitForProgressAsync(db, storedAtLastKill, () => Volatile.Read(ref loadDone));
                storedAtLastKill = await db.StoredAsync() ?? storedAtLastKill;
                web.KillAndRestart();
                kills++;
            }
        });

        LoadStats stats;
        try
        {
            // Spread over ~12 s so the kills (every 1-2 s plus a restart) land in the middle of the load.
            // The deadline only guards against a hang: what is asserted is that nothing is lost or doubled.
            stats = await sender.SendAllAsync(messages, Senders, TimeSpan.FromSeconds(120), LoadSpread);
        }
        finally
        {
            Volatile.Write(ref loadDone, true);
        }

        await killer;
        // 150 s, not 90: an outbox row claimed by a process that was then killed stays leased for
        // OutboxDispatcher.Lease (2 minutes) before the next process may send it (see the report on the lease).
        var settleWait = await ExactlyOnce.WaitAndAssertAsync(db, acks, messages, TimeSpan.FromSeconds(150), output, web.LogFile);
        total.Stop();

        var report = string.Join(
            Environment.NewLine,
            $"[{variant}] crash test {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss zzz}, transport {variant}, {Environment.ProcessorCount} cores, kill seed {seed}",
            $"[{variant}]   messages N            {count} ({Senders} concurrent senders, each resending until 202/200)",
            $"[{variant}]   SIGKILLs              {kills} (process starts {web.Starts})",
            $"[{variant}]   accepted (202)        {stats.Accepted}",
            $"[{variant}]   duplicates (200)      {stats.Duplicates}",
            $"[{variant}]   retries               {stats.Retries} (of which 503: {stats.Unavailable})",
            $"[{variant}]   load elapsed          {stats.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({(count / stats.Elapsed.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture)} messages/s stored, kills included)",
            $"[{variant}]   settle after load     {settleWait.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s",
            $"[{variant}]   total elapsed         {total.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({(count / total.Elapsed.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture)} messages/s end to end)",
            $"[{variant}]   result                {count} stored once, {count} consumed once, {acks.Files} acknowledgement files, all ok");
        output.WriteLine(report);
        WriteResults(variant, report);

        Assert.Empty(stats.Errors);
        // Each message ends with one final answer: 202 the first time, or 200 when the 202 was lost with the killed process.
        Assert.Equal(count, stats.Accepted + stats.Duplicates);
        Assert.True(kills >= MinimumKills, $"only {kills} kills");
    }

    /// <summary>Until more messages are stored than <paramref name="before"/>, the load is done, or <see cref="ProgressWait"/> has passed.</summary>
    private static async Task WaitForProgressAsync(MailboxDb db, long before, Func<bool> loadDone)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ProgressWait && !loadDone() && (await db.StoredAsync() ?? before) <= before)
        {
            await Task.Delay(200);
        }
    }

    /// <summary>artifacts/test-results/crash-test.txt: one block per variant, replaced on each run.</summary>
    private static void WriteResults(string variant, string report)
    {
        Directory.CreateDirectory(TestPaths.Results);
        var file = Path.Combine(TestPaths.Results, "crash-test.txt");
        var others = File.Exists(file)
            ? File.ReadAllLines(file).Where(l => !l.StartsWith($"[{variant}]", StringComparison.Ordinal))
            : [];
        File.WriteAllLines(file, [.. others, .. report.Split(Environment.NewLine)]);
    }
}
