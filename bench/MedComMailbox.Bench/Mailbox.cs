using System.Diagnostics;
using System.Globalization;
using MedComMailbox.IntegrationTests.Resilience;

namespace MedComMailbox.Bench;

/// <summary>
/// The mailbox under test: the built web host, and 0..n worker processes, each a separate process started by the resilience
/// tests' <see cref="MailboxProcess"/> launcher, on a data directory of the run's own.
/// </summary>
internal sealed class Mailbox : IDisposable
{
    private readonly List<MailboxProcess> _workers = [];
    private readonly Dictionary<string, string> _settings;
    private readonly string _directory;

    public Mailbox(string directory, IReadOnlyDictionary<string, string> settings)
    {
        _directory = directory;
        Port = Poll.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
        _settings = new Dictionary<string, string>(settings, StringComparer.Ordinal)
        {
            ["Mailbox__DataDirectory"] = directory,
            // Log warnings and errors only: a console line per message would measure the terminal, not the mailbox.
            ["Logging__LogLevel__Default"] = settings.TryGetValue("Logging__LogLevel__Default", out var level) ? level : "Warning",
        };
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public MailboxProcess? Web { get; private set; }

    public IReadOnlyList<MailboxProcess> Workers => _workers;

    public string Database => Path.Combine(_directory, "mailbox.db");

    public async Task StartAsync(int workers, bool webRunsConsumers, TestVhost? vhost = null)
    {
        var web = new Dictionary<string, string>(_settings, StringComparer.Ordinal);
        if (!webRunsConsumers)
        {
            web["Bus__RunConsumers"] = "false";
        }

        Web = MailboxProcess.Start(
            TestPaths.WebDll,
            TestPaths.WebContentRoot,
            ["--urls", BaseAddress.GetLeftPart(UriPartial.Authority), "--contentRoot", TestPaths.WebContentRoot],
            web,
            Path.Combine(_directory, "web.log"));
        await WaitHealthyAsync(TimeSpan.FromSeconds(90));

        var folder = Path.GetDirectoryName(TestPaths.WorkerDll)!;
        for (var i = 1; i <= workers; i++)
        {
            var settings = new Dictionary<string, string>(_settings, StringComparer.Ordinal) { ["Vans__InboundFolder"] = "" };
            _workers.Add(MailboxProcess.Start(TestPaths.WorkerDll, folder, [], settings, Path.Combine(_directory, $"worker{i}.log")));
        }

        // As in SeparateWorkersTests: with Bus:RunConsumers=false on the web process nobody else binds the triage queue, and
        // an event published to an exchange without a bound queue is dropped. So the workers must be on the queue first.
        if (workers > 0 && vhost is not null &&
            !await Poll.UntilAsync(async () => await vhost.ConsumersAsync("medcom-triage") >= workers || _workers.Any(w => w.HasExited), TimeSpan.FromSeconds(90), 500))
        {
            throw new TimeoutException($"The {workers} workers were not all consuming medcom-triage within 90 s. Log: {_workers[0].LogTail()}");
        }
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Web is null || Web.HasExited)
            {
                throw new InvalidOperationException("The web process exited. Log: " + Web?.LogTail());
            }

            try
            {
                using var response = await probe.GetAsync(new Uri(BaseAddress, "health/live"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The web process was not healthy in time. Log: " + Web?.LogTail());
    }

    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        Web?.Dispose();
    }
}

/// <summary>Resident memory of a process from /proc/&lt;pid&gt;/status (VmRSS now, VmHWM the peak), sampled twice a second.</summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly Func<int?> _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Stopwatch _clock;

    public MemorySampler(Func<int?> pid, Stopwatch clock)
    {
        _pid = pid;
        _clock = clock;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>(seconds since the run's start, RSS in MB).</summary>
    public List<(double At, double RssMb)> Samples { get; } = [];

    public double PeakMb { get; private set; }

    public static (double RssMb, double PeakMb)? Read(int pid)
    {
        try
        {
            double rss = 0, hwm = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kb(line) / 1024.0;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kb(line) / 1024.0;
                }
            }

            return (rss, hwm);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The median of the samples in the last third of the run: the level memory settles at.</summary>
    public double SteadyMb()
    {
        lock (Samples)
        {
            if (Samples.Count == 0)
            {
                return 0;
            }

            var tail = Samples.Skip(Samples.Count * 2 / 3).Select(s => s.RssMb).Order().ToList();
            return tail[tail.Count / 2];
        }
    }

    private static double Kb(string line) =>
        double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (_pid() is { } pid && Read(pid) is { } memory)
            {
                lock (Samples)
                {
                    Samples.Add((_clock.Elapsed.TotalSeconds, memory.RssMb));
                }

                PeakMb = Math.Max(PeakMb, memory.PeakMb);
            }

            try
            {
                await Task.Delay(500, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
