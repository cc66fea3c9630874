using System.Diagnostics;

namespace MedComMailbox.IntegrationTests.Resilience;

/// <summary>
/// A built host (web or worker) run as a child process, its console appended to a log file. <see cref="Kill"/>
/// sends SIGKILL (Process.Kill on Linux): no shutdown code runs, exactly like a crash or the OOM killer.
/// </summary>
internal sealed class MailboxProcess : IDisposable
{
    private readonly Process _process;

    private MailboxProcess(Process process, string logFile)
    {
        _process = process;
        LogFile = logFile;
    }

    public string LogFile { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited (waits up to <paramref name="timeout"/>), or null while it runs.</summary>
    public async Task<int?> ExitCodeAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static MailboxProcess Start(string dll, string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logFile)
    {
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is not built; build the solution in {TestPaths.Configuration} first.");
        }

        // sh only sets up the redirection, then exec replaces it: the pid is the dotnet host itself, so a kill hits it.
        var command = "exec dotnet " + Quote(dll) + string.Concat(arguments.Select(a => " " + Quote(a))) + " >>" + Quote(logFile) + " 2>&1 </dev/null";
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        // Development by default: these processes run on the development stand-ins (fictitious register, Digital Post
        // stand-in), which outside Development the hosts refuse. A caller passes DOTNET_ENVIRONMENT to run another one.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The processes these tests start and kill test durability and hand-over, with budgets of seconds. With profile
        // validation on, each new process first compiles MedCom's profiles (about 4 s of CPU under CI load since
        // ADR 0017, was about 20 s) while FHIR messages wait, and on the loaded 2-core machine CrashTests (RabbitMQ
        // variant: the sender's deadline) and SeparateWorkersTests failed with it on (run of 2026-12-03), so it stays
        // off unless a test turns it on. Profile validation itself is tested in MedCom.Tests and in-process.
        start.Environment["Mailbox__ValidateProfiles"] = "false";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        File.AppendAllText(logFile, $"==== {DateTimeOffset.Now:HH:mm:ss.fff} starting {Path.GetFileName(dll)}{Environment.NewLine}");
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + dll);
        return new MailboxProcess(process, logFile);
    }

    /// <summary>SIGKILL, then waits until the process is gone. Safe to call more than once.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit(15_000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    public string LogTail(int lines = 40)
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(LogFile).TakeLast(lines));
        }
        catch (IOException ex)
        {
            return ex.Message;
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>
/// The web host as a child process on a fixed port, which can be killed and started again on the same port and
/// data directory (a crash and the supervisor's restart). Every process it started is killed on Dispose.
/// </summary>
internal sealed class WebHostProcess : IDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _logFile;
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Lock _gate = new();
    private MailboxProcess? _current;

    public WebHostProcess(string dataDirectory, IReadOnlyDictionary<string, string> settings, string logFile)
    {
        Port = Poll.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
        _logFile = logFile;
        _environment = new Dictionary<string, string>(settings, StringComparer.Ordinal)
        {
            ["Mailbox__DataDirectory"] = dataDirectory,
        };
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int Starts { get; private set; }

    public string LogFile => _logFile;

    public void Start()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _current = MailboxProcess.Start(
                TestPaths.WebDll,
                TestPaths.WebContentRoot,
                ["--urls", BaseAddress.GetLeftPart(UriPartial.Authority), "--contentRoot", TestPaths.WebContentRoot],
                _environment,
                _logFile);
            Starts++;
        }
    }

    /// <summary>SIGKILL the running process and start a new one at once.</summary>
    public void KillAndRestart()
    {
        lock (_gate)
        {
            if (_current is { } running)
            {
                running.Kill();
                File.AppendAllText(_logFile, $"==== {DateTimeOffset.Now:HH:mm:ss.fff} killed (SIGKILL) pid {running.Id}{Environment.NewLine}");
            }
        }

        Start();
    }

    /// <summary>Waits until /health/live answers 200; throws with the log's tail when the process exits or the timeout passes.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            MailboxProcess? current;
            lock (_gate)
            {
                current = _current;
            }

            if (current is null || current.HasExited)
            {
                throw new InvalidOperationException($"The web process exited before it was healthy. Log {_logFile}:{Environment.NewLine}{current?.LogTail()}");
            }

            try
            {
                using var response = await _probe.GetAsync(new Uri(BaseAddress, "health/live"));
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

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"The web process was not healthy within {timeout}. Log {_logFile}:{Environment.NewLine}{current.LogTail()}");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _current = null;
        }

        _probe.Dispose();
    }
}
