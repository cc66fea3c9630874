using System.Diagnostics;
using MedComMailbox.IntegrationTests.Resilience;

namespace MedComMailbox.Bench;

/// <summary>
/// The RabbitMQ node of a run: the one named by MEDCOM_TEST_RABBITMQ / MEDCOM_TEST_RABBITMQ_MGMT (as for the tests), or a
/// throwaway node from infra/scripts/rabbitmq-start.sh, stopped again with rabbitmq-stop.sh. Each configuration gets a vhost
/// of its own through the tests' <see cref="TestVhost"/>.
/// </summary>
internal sealed class Broker : IAsyncDisposable
{
    private readonly string? _envFile;

    private Broker(string? envFile) => _envFile = envFile;

    public static string? Ctl => TestVhost.RabbitMqCtl;

    public static async Task<Broker> StartAsync(string workDirectory)
    {
        if (TestVhost.Available)
        {
            Console.WriteLine("RabbitMQ: using MEDCOM_TEST_RABBITMQ");
            return new Broker(null);
        }

        var envFile = Path.Combine(workDirectory, "rabbitmq.env");
        Console.WriteLine("RabbitMQ: starting a throwaway node (infra/scripts/rabbitmq-start.sh)");
        await ShellAsync($"bash {Quote(Path.Combine(TestPaths.Root, "infra", "scripts", "rabbitmq-start.sh"))} {Quote(envFile)}");
        var values = await ShellAsync($"set -a; . {Quote(envFile)}; printf '%s\\n%s\\n%s\\n' \"$RABBITMQ_URL\" \"${{RABBITMQ_MGMT_URL:-}}\" \"${{RABBITMQCTL:-}}\"");
        var lines = values.Split('\n');
        Environment.SetEnvironmentVariable("MEDCOM_TEST_RABBITMQ", lines[0].Trim());
        Environment.SetEnvironmentVariable("MEDCOM_TEST_RABBITMQ_MGMT", lines[1].Trim());
        Environment.SetEnvironmentVariable("MEDCOM_TEST_RABBITMQCTL", lines[2].Trim());
        return new Broker(envFile);
    }

    /// <summary>rabbitmqctl stop_app / start_app on the node (only for a node that this run or test.sh started).</summary>
    public static async Task CtlAsync(string command)
    {
        var ctl = Ctl ?? throw new InvalidOperationException("MEDCOM_TEST_RABBITMQCTL is unset: this run cannot stop and start the broker.");
        await ShellAsync($"{Quote(ctl)} {command}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_envFile is not null)
        {
            await ShellAsync($"bash {Quote(Path.Combine(TestPaths.Root, "infra", "scripts", "rabbitmq-stop.sh"))} {Quote(_envFile)}");
            foreach (var name in new[] { "MEDCOM_TEST_RABBITMQ", "MEDCOM_TEST_RABBITMQ_MGMT", "MEDCOM_TEST_RABBITMQCTL" })
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    public static async Task<string> ShellAsync(string command)
    {
        var start = new ProcessStartInfo("/bin/bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{command}` failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
