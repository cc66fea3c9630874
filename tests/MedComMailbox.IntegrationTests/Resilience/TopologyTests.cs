using System.Text.Json;
using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Workflow;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace MedComMailbox.IntegrationTests.Resilience;

/// <summary>
/// infra/rabbitmq/definitions.json, for operators who load definitions before any process runs, must declare exactly
/// the queues, exchanges and bindings the code declares itself: the test deploys the code's topology on an empty vhost
/// and compares what the broker then holds with the file.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class TopologyTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Definitions_json_declares_the_same_queues_exchanges_and_bindings_the_code_deploys()
    {
        Skip.IfNot(TestVhost.Available, TestVhost.NoBroker);
        await using var vhost = await TestVhost.CreateAsync("topology");
        var options = new BusOptions { Transport = BusTransport.RabbitMq, RabbitMqUrl = vhost.Url };
        var deployer = new TopologyDeployer(options, bus => bus.AddWorkflowConsumers(), NullLoggerFactory.Instance);
        Assert.False(deployer.IsDeployed);

        await deployer.DeployAsync(CancellationToken.None);

        Assert.True(deployer.IsDeployed);
        using var broker = await vhost.DefinitionsAsync();
        var deployed = Topology.From(broker.RootElement, vhost: null);
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TestPaths.Root, "infra", "rabbitmq", "definitions.json")));
        var declared = Topology.From(file.RootElement, vhost: "medcommailbox").Without(OperatorOnly);
        output.WriteLine("deployed by the code:" + Environment.NewLine + string.Join(Environment.NewLine, deployed.All));

        Assert.NotEmpty(deployed.Queues);
        Assert.Contains(deployed.Queues, q => q.StartsWith($"queue {BusOptions.DefaultTriageQueue} ", StringComparison.Ordinal));
        Assert.Equal(deployed.Queues.Order(StringComparer.Ordinal), declared.Queues.Order(StringComparer.Ordinal));
        Assert.Equal(deployed.Exchanges.Order(StringComparer.Ordinal), declared.Exchanges.Order(StringComparer.Ordinal));
        Assert.Equal(deployed.Bindings.Order(StringComparer.Ordinal), declared.Bindings.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_consumed_event_types_are_those_of_the_registered_consumers()
    {
        var deployer = new TopologyDeployer(new BusOptions(), bus => bus.AddWorkflowConsumers(), NullLoggerFactory.Instance);
        Assert.Equal([typeof(MedComMailbox.Contracts.MedComMessageReceived), typeof(MedComMailbox.Contracts.ResponsiblePartyNotificationDue)], deployer.ConsumedMessageTypes);
        Assert.True(deployer.IsDeployed, "The in-memory bus has no topology to wait for.");
    }

    /// <summary>What the operators' file holds beyond the code: the dead-letter queue the policy points at.</summary>
    private static bool OperatorOnly(string name) => name.StartsWith("medcom-dead-letter", StringComparison.Ordinal);

    private sealed record Topology(List<string> Queues, List<string> Exchanges, List<string> Bindings, List<(string Entry, string[] Names)> Named)
    {
        public IEnumerable<string> All => Queues.Concat(Exchanges).Concat(Bindings);

        public static Topology From(JsonElement root, string? vhost)
        {
            var named = new List<(string, string[])>();
            bool InVhost(JsonElement e) => vhost is null || e.GetProperty("vhost").GetString() == vhost;
            var queues = Items(root, "queues").Where(InVhost).Select(q =>
            {
                var entry = $"queue {q.GetProperty("name").GetString()} durable={q.GetProperty("durable").GetBoolean()} auto_delete={q.GetProperty("auto_delete").GetBoolean()} {Arguments(q)}";
                named.Add((entry, [q.GetProperty("name").GetString()!]));
                return entry;
            }).ToList();
            // The broker's built-in exchanges (amq.*, the default "") are not part of anyone's topology.
            var exchanges = Items(root, "exchanges").Where(InVhost).Where(e => e.GetProperty("name").GetString() is { Length: > 0 } n && !n.StartsWith("amq.", StringComparison.Ordinal)).Select(e =>
            {
                var entry = $"exchange {e.GetProperty("name").GetString()} type={e.GetProperty("type").GetString()} durable={e.GetProperty("durable").GetBoolean()} auto_delete={e.GetProperty("auto_delete").GetBoolean()} {Arguments(e)}";
                named.Add((entry, [e.GetProperty("name").GetString()!]));
                return entry;
            }).ToList();
            var bindings = Items(root, "bindings").Where(InVhost).Where(b => b.GetProperty("source").GetString() is { Length: > 0 }).Select(b =>
            {
                var entry = $"binding {b.GetProperty("source").GetString()} -> {b.GetProperty("destination_type").GetString()} {b.GetProperty("destination").GetString()} key='{b.GetProperty("routing_key").GetString()}' {Arguments(b)}";
                named.Add((entry, [b.GetProperty("source").GetString()!, b.GetProperty("destination").GetString()!]));
                return entry;
            }).ToList();
            return new Topology(queues, exchanges, bindings, named);
        }

        public Topology Without(Func<string, bool> excluded)
        {
            var drop = Named.Where(n => n.Names.Any(excluded)).Select(n => n.Entry).ToHashSet(StringComparer.Ordinal);
            return this with
            {
                Queues = Queues.Where(q => !drop.Contains(q)).ToList(),
                Exchanges = Exchanges.Where(e => !drop.Contains(e)).ToList(),
                Bindings = Bindings.Where(b => !drop.Contains(b)).ToList(),
            };
        }

        private static List<JsonElement> Items(JsonElement root, string name) =>
            root.TryGetProperty(name, out var items) ? items.EnumerateArray().ToList() : [];

        private static string Arguments(JsonElement item) =>
            item.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.Object
                ? "args{" + string.Join(",", arguments.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetRawText()}")) + "}"
                : "args{}";
    }
}
