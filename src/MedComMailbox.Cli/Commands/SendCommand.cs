using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using MedComMailbox.MedCom;

namespace MedComMailbox.Cli.Commands;

/// <summary><c>send &lt;file&gt; --to &lt;url&gt;</c>: posts a message file to a running mailbox's intake and prints its answer.</summary>
internal static class SendCommand
{
    public const string IntakePath = "/api/intake";

    public static Command Create(TextWriter output, TextWriter error, HttpMessageHandler? handler)
    {
        var file = new Argument<FileInfo>("file") { Description = "The message file to send." };
        // A string, parsed below: System.CommandLine 2.0 has no Uri converter, and a bad address deserves a sentence, not a stack trace.
        var to = new Option<string>("--to")
        {
            Description = "The mailbox's base address (e.g. http://localhost:5080) or its full intake URL.",
            Required = true,
        };
        var contentType = new Option<string?>("--content-type") { Description = "Override the detected content type." };
        var command = new Command("send", "Send a message file to a mailbox's HTTP intake.") { file, to, contentType };
        command.SetAction((parseResult, ct) =>
        {
            var address = parseResult.GetValue(to);
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                error.WriteLine($"--to must be an absolute http(s) address, e.g. http://localhost:5080 (got '{address}').");
                return Task.FromResult(CliApp.ExitFailure);
            }

            return RunAsync(parseResult.GetValue(file)!, uri, parseResult.GetValue(contentType), output, error, handler, ct);
        });
        return command;
    }

    internal static async Task<int> RunAsync(FileInfo file, Uri to, string? contentType, TextWriter output, TextWriter error, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            error.WriteLine($"File not found: {file.FullName}");
            return CliApp.ExitFailure;
        }

        var body = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        var target = IntakeUri(to);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? ContentSniffer.DetectContentType(body));

        using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.Timeout = TimeSpan.FromSeconds(60);
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsync(target, content, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            error.WriteLine($"Could not reach {target}: {ex.Message}");
            return CliApp.ExitFailure;
        }
        catch (TaskCanceledException)
        {
            error.WriteLine($"No answer from {target} within {client.Timeout.TotalSeconds:0} s.");
            return CliApp.ExitFailure;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            output.WriteLine($"{file.Name} -> {target}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            output.WriteLine(text);
            return Outcome(response, text);
        }
    }

    internal static Uri IntakeUri(Uri to) =>
        to.AbsolutePath is "" or "/" ? new Uri(to, IntakePath) : to;

    /// <summary>Accepted and duplicate are both a success for the sender: the mailbox holds the message exactly once.</summary>
    private static int Outcome(HttpResponseMessage response, string body)
    {
        if (response.IsSuccessStatusCode)
        {
            return CliApp.ExitOk;
        }

        if ((int)response.StatusCode is >= 400 and < 500)
        {
            return CliApp.ExitInvalid;
        }

        _ = body;
        return CliApp.ExitFailure;
    }
}
