using System.Diagnostics;
using MedComMailbox.Infrastructure.Bus;
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

    [SkippableFact]
    public async Task A_vhost_deleted_and_recreated_while_messages_wait_in_it_loses_none_of_them()
    {
        Skip.IfNot(TestVhost.Available, TestVhost.NoBroker);
        await using var vhost = await TestVhost.CreateAsync("vhostreset");
        using var data = new TempDirectory("vhostreset");
        var bus = StartOrder.Bus(vhost, StartOrder.ShortReconciliation);
        using var web = new WebHostProcess(data.Path, new Dictionary<string, string>(bus) { ["Bus__RunConsumers"] = "false" }, data.File("web.log"));
        web.Start();
        await web.WaitHealthyAsync(TimeSpan.FromSeconds(60));

        var messages = new SampleMessages().Create(30);
        using var sender = new VansSender(web.BaseAddress);
        var stats = await sender.SendAllAsync(messages, 4, TimeSpan.FromSeconds(60));
        Assert.Equal(30, stats.Accepted);
        var db = new MailboxDb(data.Path);
        Assert.True(
            await Poll.UntilAsync(async () => (await db.ReadAsync()).PendingOutbox == 0 && await vhost.MessagesAsync(BusOptions.DefaultTriageQueue) >= 30, TimeSpan.FromSeconds(60), 500),
            $"The 30 events did not reach {BusOptions.DefaultTriageQueue}: {await db.PendingOutboxAsync()}");

        // The broker forgets everything: the queue, and the 30 events the outbox had already marked sent.
        await vhost.DeleteAndRecreateAsync();
        output.WriteLine($"after the reset: queue {(await vhost.MessagesAsync(BusOptions.DefaultTriageQueue))?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "gone"}");

        // ">= 30", not "== 30": with Reconciliation:After at 5 s the sweep may already have republished some (the web
        // process has no consumer, so nothing is routed); the exactly-once check at the end is what counts.
        // Still no worker: the reconciliation puts the events back in the outbox, the first publish comes back
        // unroutable (mandatory), the web process deploys the topology again and the events wait in the new queue.
        Assert.True(
            await Poll.UntilAsync(async () => await vhost.MessagesAsync(BusOptions.DefaultTriageQueue) >= 30, TimeSpan.FromSeconds(90), 500),
            $"The events were not published again into the recreated vhost: queue {await vhost.MessagesAsync(BusOptions.DefaultTriageQueue)}, outbox {await db.PendingOutboxAsync()}. Log {web.LogFile}");

        using var worker = StartOrder.Worker(data, bus, "worker.log");
        await ExactlyOnce.WaitAndAssertAsync(db, new AckFolder(data.Path), messages, TimeSpan.FromSeconds(90), output, $"{web.LogFile} {worker.LogFile}");
        Assert.Contains(File.ReadLines(web.LogFile), l => l.Contains("published again", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_worker_whose_endpoint_was_renamed_between_releases_still_gets_what_waited_in_the_old_queue()
    {
        Skip.IfNot(TestVhost.Available, TestVhost.NoBroker);
        const string OldQueue = "medcom-triage-release1";
        await using var vhost = await TestVhost.CreateAsync("rename");
        using var data = new TempDirectory("rename");
        var bus = StartOrder.Bus(vhost, StartOrder.ShortReconciliation);
        var messages = new SampleMessages().Create(30);
        var db = new MailboxDb(data.Path);

        // Release 1 named the triage queue differently; its workers are already stopped for the upgrade while the
        // web process still takes referrals in: they wait in the old queue.
        using (var oldWeb = new WebHostProcess(data.Path, new Dictionary<string, string>(bus) { ["Bus__RunConsumers"] = "false", ["Bus__TriageQueue"] = OldQueue }, data.File("web-release1.log")))
        {
            oldWeb.Start();
            await oldWeb.WaitHealthyAsync(TimeSpan.FromSeconds(60));
            using var sender = new VansSender(oldWeb.BaseAddress);
            Assert.Equal(20, (await sender.SendAllAsync(messages.Take(20).ToList(), 4, TimeSpan.FromSeconds(60))).Accepted);
            Assert.True(
                await Poll.UntilAsync(async () => (await db.ReadAsync()).PendingOutbox == 0 && await vhost.MessagesAsync(OldQueue) >= 20, TimeSpan.FromSeconds(60), 500),
                $"The 20 events did not reach {OldQueue}: {await db.PendingOutboxAsync()}");
        }

        // Release 2: the web process and a worker with the new queue name; 10 more referrals arrive.
        using var web = new WebHostProcess(data.Path, new Dictionary<string, string>(bus) { ["Bus__RunConsumers"] = "false" }, data.File("web.log"));
        web.Start();
        using var worker = StartOrder.Worker(data, bus, "worker.log");
        await web.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        using (var sender = new VansSender(web.BaseAddress))
        {
            Assert.Equal(10, (await sender.SendAllAsync(messages.Skip(20).ToList(), 4, TimeSpan.FromSeconds(60))).Accepted);
        }

        await ExactlyOnce.WaitAndAssertAsync(db, new AckFolder(data.Path), messages, TimeSpan.FromSeconds(90), output, $"{web.LogFile} {worker.LogFile}");
        // The old queue is still bound and keeps copies nobody reads: the guide tells operators to delete it.
        output.WriteLine($"left in {OldQueue}: {await vhost.MessagesAsync(OldQueue)}");
        Assert.True(await vhost.MessagesAsync(OldQueue) >= 20, "The first 20 events were not stranded in the old queue, so the scenario proved nothing.");
    }

    [SkippableFact]
    public async Task Files_waiting_in_the_VANS_drop_folder_when_a_fresh_installation_starts_are_each_triaged_once()
    {
        Skip.IfNot(TestVhost.Available, TestVhost.NoBroker);
        await using var vhost = await TestVhost.CreateAsync("fresh");
        using var data = new TempDirectory("fresh");
        var messages = new SampleMessages().Create(30);
        var inbound = Directory.CreateDirectory(data.File("inbound")).FullName;
        foreach (var message in messages)
        {
            await File.WriteAllBytesAsync(Path.Combine(inbound, message.HeaderId + ".json"), message.Body);
        }

        // No database, no queues: the worker and the web process start together, and both apply the schema.
        var bus = StartOrder.Bus(vhost, StartOrder.ShortReconciliation);
        using var worker = StartOrder.Worker(data, bus, "worker.log");
        using var web = new WebHostProcess(data.Path, new Dictionary<string, string>(bus) { ["Bus__RunConsumers"] = "false" }, data.File("web.log"));
        web.Start();
        await web.WaitHealthyAsync(TimeSpan.FromSeconds(60));

        await ExactlyOnce.WaitAndAssertAsync(new MailboxDb(data.Path), new AckFolder(data.Path), messages, TimeSpan.FromSeconds(90), output, $"{web.LogFile} {worker.LogFile}");
        Assert.Empty(Directory.GetFiles(inbound));
        Assert.False(worker.HasExited, "The worker exited: " + worker.LogTail());
    }
}

/// <summary>Settings and processes shared by the start-order scenarios.</summary>
internal static class StartOrder
{
    /// <summary>Reconciliation after 5 s instead of 10 minutes, looked for every second.</summary>
    public static readonly IReadOnlyDictionary<string, string> ShortReconciliation = new Dictionary<string, string>
    {
        ["Reconciliation__After"] = "00:00:05",
        ["Reconciliation__Interval"] = "00:00:01",
    };

    public static Dictionary<string, string> Bus(TestVhost vhost, IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMqUrl"] = vhost.Url.ToString(),
            ["Bus__PublishTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

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
