using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dapper;
using MedComMailbox.MedCom;
using Microsoft.Data.Sqlite;

namespace MedComMailbox.IntegrationTests.Resilience;

/// <summary>The RabbitMQ and child-process tests: never two at once (one broker, two cores, fixed timings).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RabbitMqCollection
{
    public const string Name = "rabbitmq";
}

/// <summary>Where the built hosts and the result folder are, found from this test assembly's own folder.</summary>
internal static class TestPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug: the configuration this test assembly was built in, so the hosts started are the same build.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string WebContentRoot => Path.Combine(Root, "src", "MedComMailbox.Web");

    public static string WebDll => Path.Combine(Root, "src", "MedComMailbox.Web", "bin", Configuration, "net10.0", "MedComMailbox.Web.dll");

    public static string WorkerDll => Path.Combine(Root, "src", "MedComMailbox.Worker", "bin", Configuration, "net10.0", "MedComMailbox.Worker.dll");

    public static string Results => Path.Combine(Root, "artifacts", "test-results");

    public static string Sample => Path.Combine(Root, "medcom-samples", "carecommunication", "gp-referral-child.json");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MedComMailbox.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("MedComMailbox.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary data directory per test, removed afterwards (kept when MEDCOM_TEST_KEEP_DATA=1, for diagnosis).</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string purpose)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"medcom-{purpose}-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("MEDCOM_TEST_KEEP_DATA") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>One MedCom message of the load: the sample referral with a fresh MessageHeader id and Bundle id.</summary>
internal sealed record TestMessage(string HeaderId, byte[] Body);

internal sealed class SampleMessages
{
    public const string SampleHeaderId = "36fb0754-003c-40e5-81e4-2af1501270d3";

    private readonly string _template;
    private readonly string _bundleId;

    public SampleMessages()
    {
        _template = System.IO.File.ReadAllText(TestPaths.Sample);
        using var document = JsonDocument.Parse(_template);
        _bundleId = document.RootElement.GetProperty("id").GetString() ?? throw new InvalidOperationException("The sample bundle has no id.");
        if (!_template.Contains(SampleHeaderId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The sample no longer carries MessageHeader id " + SampleHeaderId);
        }
    }

    public TestMessage Create()
    {
        var header = Guid.NewGuid().ToString();
        var text = _template
            .Replace(SampleHeaderId, header, StringComparison.Ordinal)
            .Replace(_bundleId, Guid.NewGuid().ToString(), StringComparison.Ordinal);
        return new TestMessage(header, Encoding.UTF8.GetBytes(text));
    }

    public IReadOnlyList<TestMessage> Create(int count) => Enumerable.Range(0, count).Select(_ => Create()).ToList();
}

/// <summary>
/// The broker the run was given (MEDCOM_TEST_RABBITMQ, MEDCOM_TEST_RABBITMQ_MGMT), and a vhost of the test's own
/// on it, created through the management API and deleted afterwards so no queue outlives its test.
/// </summary>
internal sealed class TestVhost : IAsyncDisposable
{
    public const string NoBroker = "No RabbitMQ for this run (MEDCOM_TEST_RABBITMQ and MEDCOM_TEST_RABBITMQ_MGMT unset); bash infra/scripts/test.sh starts one.";

    private readonly HttpClient _management;
    private readonly string _escaped;
    private readonly string _user;

    private TestVhost(HttpClient management, string name, Uri url, string user)
    {
        _management = management;
        _user = user;
        Name = name;
        _escaped = Uri.EscapeDataString(name);
        Url = url;
    }

    public static string? AmqpUrl => Variable("MEDCOM_TEST_RABBITMQ");

    public static string? ManagementUrl => Variable("MEDCOM_TEST_RABBITMQ_MGMT");

    public static string? RabbitMqCtl => Variable("MEDCOM_TEST_RABBITMQCTL");

    public static bool Available => AmqpUrl is not null && ManagementUrl is not null;

    public string Name { get; }

    /// <summary>amqp://user:password@host:port/&lt;this vhost&gt;.</summary>
    public Uri Url { get; }

    public static async Task<TestVhost> CreateAsync(string purpose)
    {
        var broker = new Uri(AmqpUrl ?? throw new InvalidOperationException(NoBroker));
        var parts = broker.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(parts[0]);
        var password = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : "";
        var name = $"medcom-{purpose}-{Guid.NewGuid().ToString("N")[..8]}";

        var management = ManagementUrl!;
        var http = new HttpClient { BaseAddress = new Uri(management.EndsWith('/') ? management : management + "/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        var vhost = new TestVhost(http, name, new Uri($"{broker.Scheme}://{broker.UserInfo}@{broker.Host}:{broker.Port}/{Uri.EscapeDataString(name)}"), user);
        try
        {
            await CreateAndPermitAsync(http, vhost._escaped, user);
            return vhost;
        }
        catch
        {
            await vhost.DisposeAsync();
            throw;
        }
    }

    /// <summary>The queue's consumer count, or null when the queue does not exist (yet).</summary>
    public async Task<int?> ConsumersAsync(string queue)
    {
        using var response = await _management.GetAsync(new Uri($"api/queues/{_escaped}/{Uri.EscapeDataString(queue)}", UriKind.Relative));
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.TryGetProperty("consumers", out var consumers) ? consumers.GetInt32() : 0;
    }

    /// <summary>The vhost's exported definitions (queues, exchanges, bindings), as the management API gives them.</summary>
    public async Task<JsonDocument> DefinitionsAsync()
    {
        using var response = await _management.GetAsync(new Uri($"api/definitions/{_escaped}", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>How many messages the queue holds (ready and unacknowledged), or null when it does not exist.</summary>
    public async Task<long?> MessagesAsync(string queue)
    {
        using var response = await _management.GetAsync(new Uri($"api/queues/{_escaped}/{Uri.EscapeDataString(queue)}", UriKind.Relative));
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? messages.GetInt64() : 0;
    }

    /// <summary>Deletes the vhost with every queue and message in it, and creates it again empty (a broker reset).</summary>
    public async Task DeleteAndRecreateAsync()
    {
        using (var deleted = await _management.DeleteAsync(new Uri($"api/vhosts/{_escaped}", UriKind.Relative)))
        {
            deleted.EnsureSuccessStatusCode();
        }

        await CreateAndPermitAsync(_management, _escaped, _user);
    }

    private static async Task CreateAndPermitAsync(HttpClient http, string escaped, string user)
    {
        using (var created = await http.PutAsync(new Uri($"api/vhosts/{escaped}", UriKind.Relative), null))
        {
            created.EnsureSuccessStatusCode();
        }

        using var permissions = JsonContent.Create(new { configure = ".*", write = ".*", read = ".*" });
        using var granted = await http.PutAsync(new Uri($"api/permissions/{escaped}/{Uri.EscapeDataString(user)}", UriKind.Relative), permissions);
        granted.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var deleted = await _management.DeleteAsync(new Uri($"api/vhosts/{_escaped}", UriKind.Relative));
        }
        catch (HttpRequestException)
        {
            // The broker is gone already; the node is thrown away after the run anyway.
        }
        catch (TaskCanceledException)
        {
        }

        _management.Dispose();
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}

/// <summary>What the mailbox database says about the inbound messages, read beside the running processes.</summary>
internal sealed record MailboxState(
    IReadOnlyList<(string Id, string HeaderId)> Inbound,
    IReadOnlyDictionary<string, long> InboxItems,
    IReadOnlyDictionary<string, long> Consumed,
    long OutboxRows,
    long PendingOutbox,
    long Unrouted,
    long AllMessages);

internal sealed class MailboxDb(string dataDirectory)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(dataDirectory, "mailbox.db"),
        Mode = SqliteOpenMode.ReadWrite,
        Pooling = false,
        DefaultTimeout = 30,
    }.ToString();

    private readonly string _file = Path.Combine(dataDirectory, "mailbox.db");

    /// <summary>The state, or null while the database or its schema does not exist yet.</summary>
    public async Task<MailboxState?> TryReadAsync()
    {
        if (!File.Exists(_file))
        {
            return null;
        }

        try
        {
            return await ReadAsync();
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    public async Task<MailboxState> ReadAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync("PRAGMA busy_timeout=30000;");
        var inbound = (await connection.QueryAsync<(string, string)>("SELECT id, message_id FROM messages WHERE direction = 'in'")).AsList();
        var items = (await connection.QueryAsync<(string, long)>("SELECT message_id, COUNT(*) FROM inbox_items GROUP BY message_id"))
            .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
        var consumed = (await connection.QueryAsync<(string, long)>("SELECT message_id, COUNT(*) FROM consumed WHERE consumer = 'triage' GROUP BY message_id"))
            .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
        var outbox = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox");
        var pending = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL");
        var unrouted = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND routed_at IS NULL");
        var all = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in'");
        return new MailboxState(inbound.Select(r => (r.Item1, r.Item2)).ToList(), items, consumed, outbox, pending, unrouted, all);
    }

    /// <summary>How many inbound messages are stored; null while the database cannot be read.</summary>
    public async Task<long?> StoredAsync()
    {
        if (!File.Exists(_file))
        {
            return null;
        }

        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync();
            return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in'");
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    /// <summary>The outbox rows not sent yet, for a failure message.</summary>
    public async Task<string> PendingOutboxAsync()
    {
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync();
            var rows = await connection.QueryAsync<(long, string, long, string?, long?, string?)>(
                "SELECT id, kind, attempts, last_error, locked_until, locked_by FROM outbox WHERE dispatched_at IS NULL ORDER BY id LIMIT 20");
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            return string.Join("; ", rows.Select(r => $"#{r.Item1} {r.Item2} attempts={r.Item3} error={r.Item4} lockedFor={(r.Item5 is { } until ? ((until - now) / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + "s" : "-")} by={r.Item6}"));
        }
        catch (SqliteException ex)
        {
            return ex.Message;
        }
    }
}

/// <summary>The acknowledgements written to &lt;DataDirectory&gt;/outbound, read once per file.</summary>
internal sealed class AckFolder(string dataDirectory)
{
    private readonly string _folder = Path.Combine(dataDirectory, "outbound");
    private readonly Dictionary<string, (string? AnsweredId, string? Code)> _read = new(StringComparer.Ordinal);
    private readonly InboundReader _reader = new();

    /// <summary>Header id answered → the codes of every acknowledgement file that answers it.</summary>
    public IReadOnlyDictionary<string, List<string>> Refresh()
    {
        if (Directory.Exists(_folder))
        {
            foreach (var file in Directory.EnumerateFiles(_folder, "*.xml"))
            {
                var name = Path.GetFileName(file);
                if (!_read.ContainsKey(name))
                {
                    var summary = _reader.Read(File.ReadAllBytes(file), null).Summary;
                    _read[name] = (summary.AcknowledgedMessageId, summary.AcknowledgementCode);
                }
            }
        }

        return _read.Values
            .Where(v => v.AnsweredId is not null)
            .GroupBy(v => v.AnsweredId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(v => v.Code ?? "").ToList(), StringComparer.Ordinal);
    }

    public int Files => _read.Count;
}

internal static class Poll
{
    /// <summary>Polls until the condition holds; false when the timeout passes first.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, int intervalMs = 250)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(intervalMs);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
