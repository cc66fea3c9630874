using System.Net.Http.Headers;
using Dapper;
using MedComMailbox.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace MedComMailbox.BrowserTests;

/// <summary>
/// The web host on its embedded default, on a real loopback port (Kestrel, not the in-memory test server, so a real
/// browser can reach it), in a data directory of its own; and a headless Chromium with one page.
/// </summary>
public class BrowserHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "medcom-browser-" + Guid.NewGuid().ToString("N")[..12]);

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public static string? ChromiumPath =>
        Environment.GetEnvironmentVariable("MEDCOM_CHROMIUM") is { Length: > 0 } configured ? configured
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : null;

    /// <summary>Skips when no Chromium is installed, except under CI, where a browser test that does not run must fail.</summary>
    public static void RequireChromium()
    {
        if (ChromiumPath is null && Environment.GetEnvironmentVariable("CI") is not ("true" or "1"))
        {
            throw new SkipException("No Chromium at /usr/bin/chromium (apt-get install chromium, or set MEDCOM_CHROMIUM).");
        }

        Assert.True(ChromiumPath is not null, "No Chromium at /usr/bin/chromium: infra/scripts/test.sh installs Debian's chromium package.");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(DataDirectory);
        builder.UseSetting("Mailbox:DataDirectory", DataDirectory);
        // Sign-in and antiforgery keys of this host alone: Development's default is ~/.aspnet/DataProtection-Keys, one
        // folder every test host of every test assembly writes to at once on a fresh machine.
        builder.UseSetting("DataProtection:KeysFolder", Path.Combine(DataDirectory, "keys"));
        builder.UseSetting("Vans:PollInterval", "00:00:00.200");
        // Deadlines (the custody re-check after the last consent) come due a second after they are written: sweep often.
        builder.UseSetting("Workflow:SweepInterval", "00:00:00.500");
        builder.UseSetting("Workflow:PublicBaseUrl", "http://127.0.0.1/");
        ConfigureMore(builder);
    }

    /// <summary>A fixture's own additions (a fake clock, for one).</summary>
    protected virtual void ConfigureMore(IWebHostBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        if (ChromiumPath is null)
        {
            return;
        }

        UseKestrel(0);
        StartServer();
        BaseUrl = ClientOptions.BaseAddress.ToString().TrimEnd('/');
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Containers and CI runners often have no user namespaces for the sandbox and a small /dev/shm.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    public new async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Posts a sample message to the intake over real HTTP, as the VANS provider would.</summary>
    public async Task<HttpResponseMessage> SendAsync(string sample)
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        using var content = new ByteArrayContent(File.ReadAllBytes(RepoPaths.Sample(sample.Split('/'))));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(sample.EndsWith(".json", StringComparison.Ordinal) ? "application/fhir+json" : "application/xml");
        return await http.PostAsync("/api/intake", content);
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(DataDirectory, "mailbox.db")}");
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    public async Task<T> QuerySingleAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(DataDirectory, "mailbox.db")}");
        return await connection.QuerySingleAsync<T>(sql, parameters);
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"Not within {seconds} s: {what}");
            }

            await Task.Delay(100);
        }
    }
}
