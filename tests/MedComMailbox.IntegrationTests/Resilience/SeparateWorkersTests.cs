using System.Diagnostics;
using Xunit.Abstractions;

namespace MedComMailbox.IntegrationTests.Resilience;

/// <summary>The production layout: a web process that only takes messages in (Bus:RunConsumers=false) and two workers consuming from RabbitMQ.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class SeparateWorkersTests(ITestOutputHelper output)
{
    private const string Routed = "put in the inbox";

    [SkippableFact]
    public async Task Two_workers_share_the_triage_queue_and_consume_each_message_once()
    {
        Skip.IfNot(TestVhost.Available, TestVhost.NoBroker);
        var clock = Stopwatch.StartNew();
        await using var vhost = await TestVhost.CreateAsync("workers");
        using var data = new TempDirectory("workers");
        var bus = new Dictionary<string, string>
        {
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMqUrl"] = vhost.Url.ToString(),
            ["Bus__PublishTimeout"] = "00:00:05",
        };
        using var web = new WebHostProcess(data.Path, new Dictionary<string, string>(bus) { ["Bus__RunConsumers"] = "false" }, data.File("web.log"));
        web.Start();
        // The web process applies the schema first; the workers start on a current database.
        await web.WaitHealthyAsync(TimeSpan.FromSeconds(60));

        var workerSettings = new Dictionary<string, string>(bus)
        {
            ["Mailbox__DataDirectory"] = data.Path,
            ["Vans__InboundFolder"] = "",
        };
        var workerFolder = Path.GetDirectoryName(TestPaths.WorkerDll)!;
        using var worker1 = MailboxProcess.Start(TestPaths.WorkerDll, workerFolder, [], workerSettings, data.File("worker1.log"));
        using var worker2 = MailboxProcess.Start(TestPaths.WorkerDll, workerFolder, [], workerSettings, data.File("worker2.log"));

        // Both consumers are on the queue before anything is published (with RunConsumers=false nobody else binds it).
        Assert.True(
            await Poll.UntilAsync(async () => await vhost.ConsumersAsync("medcom-triage") == 2 || worker1.HasExited || worker2.HasExited, TimeSpan.FromSeconds(60), 500),
            "The two workers did not both consume medcom-triage within 60 s.");
        Assert.False(worker1.HasExited, "worker 1 exited: " + worker1.LogTail());
        Assert.False(worker2.HasExited, "worker 2 exited: " + worker2.LogTail());

        var messages = new SampleMessages().Create(60);
        using var sender = new VansSender(web.BaseAddress);
        var stats = await sender.SendAllAsync(messages, 4, TimeSpan.FromSeconds(60));
        Assert.Empty(stats.Errors);
        Assert.Equal(60, stats.Accepted);

        await ExactlyOnce.WaitAndAssertAsync(new MailboxDb(data.Path), new AckFolder(data.Path), messages, TimeSpan.FromSeconds(90), output, $"{web.LogFile} {worker1.LogFile} {worker2.LogFile}");

        var byWorker1 = CountLines(worker1.LogFile, Routed);
        var byWorker2 = CountLines(worker2.LogFile, Routed);
        output.WriteLine($"worker 1 put {byWorker1} in the inbox, worker 2 {byWorker2}; redeliveries seen: {CountLines(worker1.LogFile, "delivered again") + CountLines(worker2.LogFile, "delivered again")}; test {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(0, CountLines(web.LogFile, Routed));
    }

    private static int CountLines(string file, string text) =>
        File.Exists(file) ? File.ReadLines(file).Count(l => l.Contains(text, StringComparison.Ordinal)) : 0;
}
