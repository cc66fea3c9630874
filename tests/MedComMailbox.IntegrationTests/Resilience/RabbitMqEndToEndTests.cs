using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit.Abstractions;

namespace MedComMailbox.IntegrationTests.Resilience;

/// <summary>The web host on RabbitMQ (in the test process): intake → outbox → broker → triage consumer → inbox, and a resend.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class RabbitMqEndToEndTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_message_goes_through_RabbitMQ_into_the_inbox_once_and_a_resend_is_answered_as_duplicate()
    {
        Skip.IfNot(TestVhost.Available, TestVhost.NoBroker);
        var clock = Stopwatch.StartNew();
        await using var vhost = await TestVhost.CreateAsync("e2e");
        using var data = new TempDirectory("e2e");
        await using var factory = new WebApplicationFactory<Program>();
        await using var web = factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Mailbox:DataDirectory", data.Path);
            b.UseSetting("Bus:Transport", "RabbitMq");
            b.UseSetting("Bus:RabbitMqUrl", vhost.Url.ToString());
        });
        using var client = web.CreateClient();
        var message = new SampleMessages().Create();
        var db = new MailboxDb(data.Path);
        var acks = new AckFolder(data.Path);

        // Post only once the triage queue is declared in the fresh vhost. Earlier, the dispatcher may publish to an
        // exchange with no queue bound, and RabbitMQ drops the event while the outbox records it as sent (see report).
        Assert.True(await Poll.UntilAsync(async () => await vhost.ConsumersAsync("medcom-triage") is not null, TimeSpan.FromSeconds(30)), "medcom-triage was not declared within 30 s");

        using (var first = await Post(client, message))
        {
            var body = await first.Content.ReadAsStringAsync();
            Assert.True(first.StatusCode == HttpStatusCode.Accepted, $"{(int)first.StatusCode} {body}");
            var answer = JsonDocument.Parse(body).RootElement;
            Assert.Equal("accepted", answer.GetProperty("outcome").GetString());
            Assert.Equal(message.HeaderId, answer.GetProperty("medcomMessageId").GetString());
            Assert.Equal("ok", answer.GetProperty("acknowledgementCode").GetString());
        }

        await ExactlyOnce.WaitAndAssertAsync(db, acks, [message], TimeSpan.FromSeconds(60), output);
        // The event went through the broker: the triage queue was declared in this test's own vhost.
        Assert.NotNull(await vhost.ConsumersAsync("medcom-triage"));
        Assert.Equal(1, (await db.ReadAsync()).AllMessages);

        using (var again = await Post(client, message))
        {
            var body = await again.Content.ReadAsStringAsync();
            Assert.True(again.StatusCode == HttpStatusCode.OK, $"{(int)again.StatusCode} {body}");
            Assert.Equal("duplicate", JsonDocument.Parse(body).RootElement.GetProperty("outcome").GetString());
        }

        // The acknowledgement is sent again (a second file), nothing else changes.
        Assert.True(
            await Poll.UntilAsync(async () => acks.Refresh().GetValueOrDefault(message.HeaderId)?.Count == 2 && (await db.ReadAsync()).PendingOutbox == 0, TimeSpan.FromSeconds(30)),
            $"No second acknowledgement file: {ExactlyOnce.Describe(await db.ReadAsync(), acks.Refresh(), [message])}");
        var state = await db.ReadAsync();
        ExactlyOnce.AssertState(state, acks.Refresh(), [message]);
        Assert.Equal(1, state.AllMessages);
        Assert.Equal(["ok", "ok"], acks.Refresh()[message.HeaderId]);
        output.WriteLine($"RabbitMQ end to end: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static async Task<HttpResponseMessage> Post(HttpClient client, TestMessage message)
    {
        using var content = new ByteArrayContent(message.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        return await client.PostAsync(new Uri("/api/intake", UriKind.Relative), content);
    }
}
