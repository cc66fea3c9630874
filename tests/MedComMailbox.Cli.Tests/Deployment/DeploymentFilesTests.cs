using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MedComMailbox.Infrastructure.Alerts;
using MedComMailbox.Infrastructure.Bus;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Workflow.Retention;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.Infrastructure.Vans;
using MedComMailbox.Tests;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Referrals;
using MedComMailbox.Workflow.Triage;
using YamlDotNet.RepresentationModel;

namespace MedComMailbox.Cli.Tests.Deployment;

/// <summary>
/// No container engine runs here, so the container files are checked as text: well-formed, and every path, project,
/// port, setting and secret they name exists. The RabbitMQ definitions must match what the bus declares.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Root = RepoPaths.Root;
    private static readonly string DockerFolder = Path.Combine(Root, "infra", "docker");
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(DockerFolder, "Dockerfile"));
    private static readonly string Entrypoint = File.ReadAllText(Path.Combine(DockerFolder, "entrypoint.sh"));

    /// <summary>The configuration sections the service binds, by the options class that reads each.</summary>
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [MailboxOptions.Section] = typeof(MailboxOptions),
        [StorageOptions.Section] = typeof(StorageOptions),
        [BusOptions.Section] = typeof(BusOptions),
        [VansOptions.Section] = typeof(VansOptions),
        [WorkflowOptions.Section] = typeof(WorkflowOptions),
        [DigitalPostOptions.Section] = typeof(DigitalPostOptions),
        [CprLookupOptions.Section] = typeof(CprLookupOptions),
        [AuthOptions.Section] = typeof(AuthOptions),
        [IntakeAuthOptions.Section] = typeof(IntakeAuthOptions),
        [HealthOptions.Section] = typeof(HealthOptions),
        [TelemetryOptions.Section] = typeof(TelemetryOptions),
        [RetentionOptions.Section] = typeof(RetentionOptions),
        [AlertOptions.Section] = typeof(AlertOptions),
        [MedComMailbox.Infrastructure.Audit.AuditOptions.Section] = typeof(MedComMailbox.Infrastructure.Audit.AuditOptions),
    };

    /// <summary>Keys read from configuration without an options property (the service mode switches, the host's own).</summary>
    private static readonly HashSet<string> OtherKeys = new(StringComparer.OrdinalIgnoreCase) { "CprLookup:Mode", "DigitalPost:Mode", "Urls", "DigitalPost:StatusCallback:Secret", "DataProtection:KeysFolder" };

    private static List<(string Instruction, string Arguments)> Instructions()
    {
        var joined = Regex.Replace(Dockerfile, @"\\\r?\n", " ");
        return joined.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (l.Split(' ', 2)[0].ToUpperInvariant(), l.Split(' ', 2).ElementAtOrDefault(1)?.Trim() ?? ""))
            .ToList();
    }

    private static List<(string Instruction, string Arguments)> FinalStage()
    {
        var all = Instructions();
        return all.Skip(all.FindLastIndex(i => i.Instruction == "FROM")).ToList();
    }

    private static Dictionary<string, string> DockerEnvironment() =>
        FinalStage().Where(i => i.Instruction == "ENV")
            .SelectMany(i => EnvPair().Matches(i.Arguments).Select(m => (m.Groups[1].Value, m.Groups[2].Value.Trim('"'))))
            .ToDictionary(p => p.Item1, p => p.Item2);

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(""[^""]*""|\S+)")]
    private static partial Regex EnvPair();

    /// <summary>A setting path such as Auth__Staff__ClientSecret names a property the service binds.</summary>
    private static bool IsSetting(string variable)
    {
        var path = variable.Replace("__", ":", StringComparison.Ordinal);
        if (OtherKeys.Contains(path))
        {
            return true;
        }

        var parts = path.Split(':');
        if (!Sections.TryGetValue(parts[0], out var type))
        {
            return false;
        }

        foreach (var part in parts.Skip(1))
        {
            var property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return int.TryParse(part, out _) && type.IsGenericType;
            }

            type = property.PropertyType;
        }

        return true;
    }

    private static bool LooksLikeSetting(string variable) => variable.Contains("__", StringComparison.Ordinal) && !variable.StartsWith("ASPNETCORE_", StringComparison.Ordinal) && !variable.StartsWith("DOTNET_", StringComparison.Ordinal);

    [Fact]
    public void The_dockerfile_builds_in_stages_and_runs_as_a_non_root_user_with_a_health_check()
    {
        var stages = Instructions().Where(i => i.Instruction == "FROM").Select(i => i.Arguments).ToList();
        Assert.True(stages.Count >= 2, "multi-stage: an SDK stage and a runtime stage");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", stages[0], StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", stages[^1], StringComparison.Ordinal);

        var final = FinalStage();
        var user = Assert.Single(final, i => i.Instruction == "USER").Arguments;
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.True(final.FindIndex(i => i.Instruction == "USER") < final.FindIndex(i => i.Instruction == "ENTRYPOINT"), "USER before ENTRYPOINT");
        Assert.Single(final, i => i.Instruction == "HEALTHCHECK");
    }

    [Fact]
    public void Every_copied_path_and_published_project_exists()
    {
        foreach (var (_, arguments) in Instructions().Where(i => i.Instruction == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal)))
        {
            var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in parts[..^1])
            {
                Assert.True(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)), $"COPY {source}: not in the repository");
            }
        }

        var published = PublishedProject().Matches(Dockerfile).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, published.Count);
        foreach (var project in published)
        {
            var path = Path.Combine(Root, project);
            Assert.True(File.Exists(path), $"dotnet publish {project}: no such project");
            var assembly = XDocument.Load(path).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(path);
            Assert.Contains($"{assembly}.dll", Entrypoint, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_build_context_leaves_out_host_build_output_and_secrets()
    {
        var ignored = File.ReadAllLines(Path.Combine(DockerFolder, "Dockerfile.dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains("infra/docker/.env", ignored);
        Assert.Contains("infra/docker/secrets/", ignored);
        // Nothing the image copies is ignored.
        Assert.DoesNotContain(ignored, i => i is "src/" or "global.json" or "nuget.config" or "Directory.Packages.props" or "infra/docker/entrypoint.sh");
    }

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishedProject();

    [Fact]
    public void The_port_the_image_exposes_is_the_one_it_listens_on_and_compose_publishes()
    {
        var exposed = Assert.Single(FinalStage(), i => i.Instruction == "EXPOSE").Arguments;
        var environment = DockerEnvironment();
        Assert.Equal(exposed, environment["ASPNETCORE_HTTP_PORTS"]);
        Assert.EndsWith($":{exposed}", environment["Urls"], StringComparison.Ordinal);

        var web = Services()["web"];
        var ports = ((YamlSequenceNode)web["ports"]).Children.Select(p => p.ToString()).ToList();
        Assert.Contains(ports, p => p.EndsWith($":{exposed}", StringComparison.Ordinal));
        Assert.All(ports, p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
    }

    [Fact]
    public void The_image_settings_name_real_settings_and_the_health_check_reads_the_status_file()
    {
        var environment = DockerEnvironment();
        foreach (var variable in environment.Keys.Where(LooksLikeSetting))
        {
            Assert.True(IsSetting(variable), $"ENV {variable} is not a setting the service reads");
        }

        var statusFile = environment["Health__StatusFile"];
        Assert.Contains(statusFile, Assert.Single(FinalStage(), i => i.Instruction == "HEALTHCHECK").Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void The_entrypoint_starts_every_role_compose_asks_for()
    {
        var roles = Services().Values
            .Select(s => Environment(s).GetValueOrDefault("MEDCOM_ROLE"))
            .OfType<string>()
            .Append(DockerEnvironment()["MEDCOM_ROLE"])
            .Distinct()
            .ToList();
        Assert.Contains("web", roles);
        Assert.Contains("worker", roles);
        foreach (var role in roles)
        {
            Assert.Contains($"  {role})", Entrypoint, StringComparison.Ordinal);
        }
    }

    private static YamlMappingNode Compose()
    {
        var yaml = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Path.Combine(DockerFolder, "compose.yaml")));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    /// <summary>The services with YAML merge keys (&lt;&lt;) applied, as compose applies them.</summary>
    private static Dictionary<string, YamlMappingNode> Services() =>
        ((YamlMappingNode)Compose()["services"]).Children.ToDictionary(s => s.Key.ToString(), s => Merged((YamlMappingNode)s.Value));

    private static YamlMappingNode Merged(YamlMappingNode node)
    {
        var result = new YamlMappingNode();
        if (node.Children.TryGetValue(new YamlScalarNode("<<"), out var merge))
        {
            foreach (var (key, value) in Merged((YamlMappingNode)merge).Children)
            {
                result.Children[key] = value;
            }
        }

        foreach (var (key, value) in node.Children.Where(c => c.Key.ToString() != "<<"))
        {
            result.Children[key] = value is YamlMappingNode mapping ? Merged(mapping) : value;
        }

        return result;
    }

    private static Dictionary<string, string> Environment(YamlMappingNode service) =>
        service.Children.TryGetValue(new YamlScalarNode("environment"), out var environment) && environment is YamlMappingNode mapping
            ? mapping.Children.ToDictionary(c => c.Key.ToString(), c => c.Value.ToString())
            : [];

    /// <summary>${NAME:-default} → default, ${NAME} → null (comes from .env).</summary>
    private static string? Resolve(string value) =>
        Substitution().Replace(value, m => m.Groups[2].Success ? m.Groups[2].Value : "\u0000") is var resolved && resolved.Contains('\u0000') ? null : resolved;

    [GeneratedRegex(@"\$\{([A-Z0-9_]+)(?::-([^}]*)|:\?[^}]*)?\}")]
    private static partial Regex Substitution();

    [Fact]
    public void Compose_builds_from_the_repository_and_mounts_only_files_that_exist()
    {
        var compose = Compose();
        var services = Services();
        var build = (YamlMappingNode)services["web"]["build"];
        var context = Path.GetFullPath(Path.Combine(DockerFolder, build["context"].ToString()));
        Assert.Equal(Root.TrimEnd('/'), context.TrimEnd('/'));
        Assert.True(File.Exists(Path.Combine(context, build["dockerfile"].ToString())));

        var namedVolumes = ((YamlMappingNode)compose["volumes"]).Children.Keys.Select(k => k.ToString()).ToHashSet();
        var secrets = ((YamlMappingNode)compose["secrets"]).Children.Keys.Select(k => k.ToString()).ToHashSet();
        foreach (var (name, service) in services)
        {
            if (service.Children.TryGetValue(new YamlScalarNode("volumes"), out var volumes))
            {
                foreach (var volume in ((YamlSequenceNode)volumes).Children.Select(v => v.ToString()))
                {
                    var source = Resolve(volume[..volume.IndexOf(":/", StringComparison.Ordinal)]);
                    if (source is null || !(source.StartsWith('.') || source.StartsWith('/')))
                    {
                        Assert.True(source is null || namedVolumes.Contains(source), $"{name}: volume {source} is not declared");
                        continue;
                    }

                    var path = Path.GetFullPath(Path.Combine(DockerFolder, source));
                    Assert.True(File.Exists(path) || Directory.Exists(path), $"{name}: {source} does not exist");
                }
            }

            if (service.Children.TryGetValue(new YamlScalarNode("secrets"), out var used))
            {
                Assert.All(((YamlSequenceNode)used).Children, s => Assert.Contains(s.ToString(), secrets));
            }

            if (service.Children.TryGetValue(new YamlScalarNode("depends_on"), out var dependencies))
            {
                Assert.All(((YamlMappingNode)dependencies).Children.Keys, d => Assert.Contains(d.ToString(), services.Keys));
            }
        }
    }

    [Fact]
    public void Compose_sets_only_real_settings_and_keeps_every_secret_in_the_environment_file()
    {
        var services = Services();
        foreach (var service in new[] { "web", "worker", "check-config" })
        {
            foreach (var (variable, value) in Environment(services[service]).Where(e => LooksLikeSetting(e.Key)))
            {
                Assert.True(IsSetting(variable), $"{service}: {variable} is not a setting the service reads");
            }
        }

        var text = File.ReadAllText(Path.Combine(DockerFolder, "compose.yaml"));
        var secrets = SecretValue().Matches(text);
        Assert.True(secrets.Count >= 8, $"only {secrets.Count} secret settings found: the pattern no longer sees them");
        foreach (Match secret in secrets)
        {
            Assert.StartsWith("${", secret.Groups[1].Value, StringComparison.Ordinal);
        }

        var documented = File.ReadAllLines(Path.Combine(DockerFolder, "env.example"))
            .Select(l => l.TrimStart('#', ' '))
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)])
            .ToHashSet();
        foreach (var variable in Substitution().Matches(text).Select(m => m.Groups[1].Value).Distinct())
        {
            Assert.True(documented.Contains(variable), $"${{{variable}}} is not in env.example");
        }
    }

    /// <summary>A password in a connection string, or a YAML key that names a password or secret, with its value.</summary>
    [GeneratedRegex(@"(?:Password=|^\s*[A-Za-z_]*(?:PASS|PASSWORD|Password|Secret)[A-Za-z_]*:[ \t]*)([^;""\s]+)", RegexOptions.Multiline)]
    private static partial Regex SecretValue();

    [Fact]
    public void The_rabbitmq_definitions_match_what_the_bus_declares()
    {
        using var definitions = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "infra", "rabbitmq", "definitions.json")));
        var vhosts = definitions.RootElement.GetProperty("vhosts").EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
        var vhost = Assert.Single(vhosts);
        Assert.Empty(definitions.RootElement.GetProperty("users").EnumerateArray());

        // The vhost the services connect to, in compose and in the example settings.
        var composeUrl = Environment(Services()["web"])["Bus__RabbitMqUrl"];
        Assert.EndsWith($"/{vhost}", composeUrl, StringComparison.Ordinal);
        Assert.Equal(vhost, Environment(Services()["rabbitmq"])["RABBITMQ_DEFAULT_VHOST"]);
        using var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "docs", "examples", "eksempelkommune.settings.json")), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        Assert.Equal(vhost, new Uri(example.RootElement.GetProperty("Bus").GetProperty("RabbitMqUrl").GetString()!).AbsolutePath.Trim('/'));

        var policy = Assert.Single(definitions.RootElement.GetProperty("policies").EnumerateArray());
        Assert.Equal(vhost, policy.GetProperty("vhost").GetString());
        Assert.Equal("queues", policy.GetProperty("apply-to").GetString());
        var pattern = new Regex(policy.GetProperty("pattern").GetString()!);

        // Every queue the consumers declare falls under the policy; the dead-letter queue it points to exists and does not.
        var endpoints = typeof(TriageConsumer).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false } && t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(MassTransit.ConsumerDefinition<>))
            .Select(t => t.GetConstructor(Type.EmptyTypes) is not null
                ? (MassTransit.IConsumerDefinition)Activator.CreateInstance(t)!
                : (MassTransit.IConsumerDefinition)Activator.CreateInstance(t, Microsoft.Extensions.Options.Options.Create(new MedComMailbox.Infrastructure.Bus.BusOptions()))!)
            .Select(d => d.GetEndpointName(MassTransit.KebabCaseEndpointNameFormatter.Instance))
            .ToList();
        Assert.Contains("medcom-triage", endpoints);
        Assert.Contains("medcom-hand-over-mail", endpoints);
        Assert.All(endpoints, e => Assert.Matches(pattern, e));

        var deadLetter = policy.GetProperty("definition").GetProperty("dead-letter-exchange").GetString();
        Assert.Contains(definitions.RootElement.GetProperty("exchanges").EnumerateArray(), e => e.GetProperty("name").GetString() == deadLetter);
        // The consumers' queues are declared too (TopologyTests compares them with what the code deploys); the one
        // queue outside the policy is the dead-letter queue. All quorum.
        var queues = definitions.RootElement.GetProperty("queues").EnumerateArray().ToList();
        Assert.All(queues, q => Assert.Equal("quorum", q.GetProperty("arguments").GetProperty("x-queue-type").GetString()));
        Assert.All(endpoints, e => Assert.Contains(queues, q => q.GetProperty("name").GetString() == e));
        var queue = Assert.Single(queues, q => !pattern.IsMatch(q.GetProperty("name").GetString()!));
        Assert.Contains(definitions.RootElement.GetProperty("bindings").EnumerateArray(),
            b => b.GetProperty("source").GetString() == deadLetter && b.GetProperty("destination").GetString() == queue.GetProperty("name").GetString());
    }

    [Fact]
    public void The_rabbitmq_configuration_holds_no_credentials()
    {
        var conf = File.ReadAllLines(Path.Combine(Root, "infra", "rabbitmq", "rabbitmq.conf")).Where(l => !l.TrimStart().StartsWith('#')).ToList();
        Assert.DoesNotContain(conf, l => l.Contains("default_pass", StringComparison.Ordinal) || l.Contains("default_user", StringComparison.Ordinal));
        Assert.All(conf.Where(l => l.Trim().Length > 0), l => Assert.Matches(@"^[a-z_.]+\s*=\s*\S+", l));
    }
}
