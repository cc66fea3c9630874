using System.Diagnostics;
using Xunit.Abstractions;

namespace MedComMailbox.IntegrationTests.Resilience;

/// <summary>
/// The broker stops (rabbitmqctl stop_app) in the middle of a load and comes back: intake keeps answering 202
/// because it needs only the database, and the outbox delivers the events once the broker is back.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class BrokerOutageTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Intake_keeps_accepting_while_RabbitMQ_is_down_and_every_event_is_consumed_once_afterwards()
    {
        Skip.IfNot(TestVhost.Available, TestVhost.NoBroker);
        Skip.If(TestVhost.RabbitMqCtl is null, "MEDCOM_TEST_RABBITMQCTL is unset: this run cannot stop and start the broker.");
        var clock = Stopwatch.StartNew();
        await using var vhost = await TestVhost.CreateAsync("outage");
        using var data = new TempDirectory("outage");
        var messages = new SampleMessages().Create(100);
        using var web = new WebHostProcess(data.Path, new Dictionary<string, string>
        {
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMqUrl"] = vhost.Url.ToString(),
            ["Bus__PublishTimeout"] = "00:00:03",
        }, data.File("web.log"));
        web.Start();
        await web.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        using var sender = new VansSender(web.BaseAddress);

        var before = await sender.SendAllAsync(messages.Take(30).ToList(), 4, TimeSpan.FromSeconds(60));
        LoadStats during;
        TimeSpan outage;
        var stopped = false;
        var liveDuringOutage = "";
        try
        {
            await RabbitMqCtlAsync("stop_app");
            stopped = true;
            var down = Stopwatch.StartNew();
            during = await sender.SendAllAsync(messages.Skip(30).Take(40).ToList(), 4, TimeSpan.FromSeconds(60));
            liveDuringOutage = await LivenessAsync(web.BaseAddress);
            var rest = TimeSpan.FromSeconds(3) - down.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                // Part of the scenario (the broker stays down at least 3 s), not an assertion.
                await Task.Delay(rest);
            }

            outage = down.Elapsed;
        }
        finally
        {
            if (stopped)
            {
                await RabbitMqCtlAsync("start_app");
            }
        }

        var after = await sender.SendAllAsync(messages.Skip(70).ToList(), 4, TimeSpan.FromSeconds(60));
        var settle = await ExactlyOnce.WaitAndAssertAsync(new MailboxDb(data.Path), new AckFolder(data.Path), messages, TimeSpan.FromSeconds(90), output, web.LogFile);

        output.WriteLine($"before outage: {before.Accepted} accepted in {before.Elapsed.TotalSeconds:0.0} s; during outage ({outage.TotalSeconds:0.0} s): {during.Accepted} accepted, {during.Retries} retries, {during.Unavailable} x 503 in {during.Elapsed.TotalSeconds:0.0} s; after: {after.Accepted} accepted; GET /health/live during the outage: {liveDuringOutage}; all consumed {settle.TotalSeconds:0.0} s after the last send; test {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(before.Errors.Concat(during.Errors).Concat(after.Errors));
        // The intake never needed the broker: every message during the outage was answered 202 at the first try.
        Assert.Equal(40, during.Accepted);
        Assert.Equal(0, during.Retries);
        Assert.Equal(30, before.Accepted);
        Assert.Equal(30, after.Accepted);
    }

    /// <summary>Reported, not asserted: what a liveness probe would see while the broker is down.</summary>
    private static async Task<string> LivenessAsync(Uri baseAddress)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri("health/live", UriKind.Relative));
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    private async Task RabbitMqCtlAsync(string command)
    {
        var start = new ProcessStartInfo(TestVhost.RabbitMqCtl!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(command);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        output.WriteLine($"rabbitmqctl {command}: exit {process.ExitCode} {(await stdout).Trim()} {(await stderr).Trim()}");
        Assert.True(process.ExitCode == 0, $"rabbitmqctl {command} failed with {process.ExitCode}: {await stderr}");
    }
}
