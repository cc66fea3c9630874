using System.Diagnostics;
using Xunit.Abstractions;

namespace MedComMailbox.IntegrationTests.Resilience;

/// <summary>
/// Nothing may depend on which process starts first (issue 12): the web process alone (Bus:RunConsumers=false) on a
/// fresh vhost takes referrals in long before any worker exists, and each is still triaged exactly once.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class StartOrderTests(ITestOutputHelper output)
{
    private static readonly TimeSpan WorkerLater = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task Web_first_without_consumers_then_a_worker_60_s_later_triages_every_referral_once()
    {
        Skip.IfNot(TestVhost.Available, TestVhost.NoBroker);
        var clock = Stopwatch.StartNew();
        await using var vhost = await TestVhost.CreateAsync("weborder");
        using var data = new TempDirectory("weborder");
        var bus = StartOrder.Bus(vhost);
        using var web = new WebHostProcess(data.Path, new Dictionary<string, string>(bus) { ["Bus__RunConsumers"] = "false" }, data.File("web.log"));
        web.Start();
        await web.WaitHealthyAsync(TimeSpan.FromSeconds(60));

        var messages = new SampleMessages().Create(50);
        using var sender = new VansSender(web.BaseAddress);
        var stats = await sender.SendAllAsync(messages, 4, TimeSpan.FromSeconds(60));
        Assert.Empty(stats.Errors);
        Assert.Equal(50, stats.Accepted);

        // The scenario itself: the workers come up a minute after the web process has taken the referrals in.
        await Task.Delay(WorkerLater);
        var db = new MailboxDb(data.Path);
        output.WriteLine("before the worker: " + ExactlyOnce.Describe(await db.ReadAsync(), new AckFolder(data.Path).Refresh(), messages));

        using var worker = StartOrder.Worker(data, bus, "worker.log");
        await ExactlyOnce.WaitAndAssertAsync(db, new AckFolder(data.Path), messages, TimeSpan.FromSeconds(90), output, $"{web.LogFile} {worker.LogFile}");
        output.WriteLine($"test {clock.Elapsed.TotalSeconds:0.0} s");
    }
}

/// <summary>Settings and processes shared by the start-order scenarios.</summary>
internal static class StartOrder
{
    public static Dictionary<string, string> Bus(TestVhost vhost) => new()
    {
        ["Bus__Transport"] = "RabbitMq",
        ["Bus__RabbitMqUrl"] = vhost.Url.ToString(),
        ["Bus__PublishTimeout"] = "00:00:05",
    };

    public static MailboxProcess Worker(TempDirectory data, IReadOnlyDictionary<string, string> bus, string log, IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>(bus)
        {
            ["Mailbox__DataDirectory"] = data.Path,
            ["Vans__InboundFolder"] = "",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return MailboxProcess.Start(TestPaths.WorkerDll, Path.GetDirectoryName(TestPaths.WorkerDll)!, [], settings, data.File(log));
    }
}
