using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Dapper;
using MedComMailbox.MedCom;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MedComMailbox.IntegrationTests.Support;

/// <summary>
/// The real web host on its embedded default (SQLite file + in-memory bus), in a temporary data directory of its
/// own, with every log line captured so tests can prove what is (not) logged.
/// </summary>
public class MailboxApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public MailboxApp(IDictionary<string, string?>? settings, Action<IServiceCollection>? services = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "medcom-it-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(DataDirectory);
        _settings = new Dictionary<string, string?>
        {
            ["Mailbox:DataDirectory"] = DataDirectory,
            // This host's own sign-in and antiforgery keys, not the folder every test host shares (~/.aspnet).
            ["DataProtection:KeysFolder"] = Path.Combine(DataDirectory, "keys"),
            ["Vans:PollInterval"] = "00:00:00.100",
            ["Vans:SettleTime"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _services = services;
    }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "mailbox.db");
    public string Inbound => Path.Combine(DataDirectory, "inbound");
    public string Outbound => Path.Combine(DataDirectory, "outbound");
    public string Archive => Path.Combine(DataDirectory, "archive");
    public string Rejected => Path.Combine(DataDirectory, "rejected");

    public ConcurrentQueue<string> Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(new CapturingLoggerProvider(Logs));
        });
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    public async Task<HttpResponseMessage> PostAsync(string path, byte[] body, string? contentType)
    {
        using var client = CreateClient();
        using var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return await client.PostAsync(path, content);
    }

    public async Task<T> QuerySingleAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        return await connection.QuerySingleAsync<T>(sql, parameters);
    }

    /// <summary>
    /// For tests on the real clock: the case's committee meeting began an hour ago (a decision is only taken once the
    /// meeting has started). Column and snapshot move together; the version bump makes a concurrent writer retry.
    /// </summary>
    public async Task MeetingStartedAsync(Guid caseId)
    {
        var started = DateTimeOffset.UtcNow.AddHours(-1);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        var changed = await connection.ExecuteAsync(
            "UPDATE cases SET meeting_at = @at, snapshot = json_set(snapshot, '$.agenda.meeting', @iso), version = version + 1 WHERE id = @id AND state = 'OnAgenda'",
            new { at = started.ToUnixTimeMilliseconds(), iso = started.ToString("O"), id = caseId.ToString() });
        if (changed != 1)
        {
            throw new InvalidOperationException("The case is not on the agenda.");
        }
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    /// <summary>The acknowledgements and receipts in the outbound folder, each read back as its receiver reads it.</summary>
    public IReadOnlyList<(string File, InboundMessageSummary Summary)> OutboundAnswers()
    {
        if (!Directory.Exists(Outbound))
        {
            return [];
        }

        var reader = new InboundReader();
        return Directory.GetFiles(Outbound)
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), reader.Read(File.ReadAllBytes(f), null).Summary))
            .ToList();
    }

    public static async Task Eventually(Func<Task<bool>> condition, string what, int timeoutMs = 15000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }

    public static Task Eventually(Func<bool> condition, string what, int timeoutMs = 15000) =>
        Eventually(() => Task.FromResult(condition()), what, timeoutMs);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a host thread shutting down; the temp folder is cleaned by the OS.
            }
        }
    }

    /// <summary>Same, as an xunit class fixture (fixtures need exactly one public constructor).</summary>
    public sealed class Shared() : MailboxApp(null);

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, sink);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        sink.Enqueue($"  {key}={value}");
                    }
                }
            }
        }
    }
}
