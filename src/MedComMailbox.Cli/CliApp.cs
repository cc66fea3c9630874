using System.CommandLine;
using MedComMailbox.Cli.Commands;

namespace MedComMailbox.Cli;

/// <summary>
/// The integrator's and operator's tool: <c>medcom validate &lt;file&gt;</c>, <c>medcom send &lt;file&gt; --to &lt;url&gt;</c> and
/// <c>medcom check-config &lt;settings.json&gt;</c>.
/// Exit codes: 0 = valid / accepted, 1 = invalid / rejected, 2 = could not run (missing file, no connection, bad arguments).
/// </summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitInvalid = 1;
    public const int ExitFailure = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpMessageHandler? httpHandler = null, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("MedComMailbox: validate MedCom messages, send them to a mailbox, check a settings file.")
        {
            ValidateCommand.Create(output, error),
            SendCommand.Create(output, error, httpHandler),
            CheckConfigCommand.Create(output, error),
        };

        var parsed = root.Parse(args);
        var result = await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);

        // System.CommandLine answers a parse error with exit code 1; ours reserves 1 for "invalid message".
        return parsed.Errors.Count > 0 ? ExitFailure : result;
    }
}
