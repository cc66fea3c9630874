using System.CommandLine;
using System.Text.Json;
using MedComMailbox.MedCom;

namespace MedComMailbox.Cli.Commands;

/// <summary><c>validate &lt;file&gt; [--json]</c>: reads a MedCom message (VANS envelope, FHIR JSON/XML or OIOXML) and prints the verdict.</summary>
internal static class ValidateCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The message file to validate." };
        var json = new Option<bool>("--json") { Description = "Print the verdict as JSON." };
        var mailbox = new Option<string[]>("--mailbox")
        {
            Description = "A location number (GLN) the receiver answers for; repeat for several. Without it, addressing is checked for form only.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("validate", "Validate a MedCom message and print the verdict and the errors.") { file, json, mailbox };
        command.SetAction(parseResult => Run(parseResult.GetValue(file)!, parseResult.GetValue(json), output, error, parseResult.GetValue(mailbox)));
        return command;
    }

    internal static int Run(FileInfo file, bool asJson, TextWriter output, TextWriter error, IReadOnlyList<string>? mailboxes = null)
    {
        if (!file.Exists)
        {
            error.WriteLine($"File not found: {file.FullName}");
            return CliApp.ExitFailure;
        }

        var body = File.ReadAllBytes(file.FullName);
        var ours = mailboxes is { Count: > 0 } ? mailboxes.Select(gln => new MailboxIdentity(gln, "", "")).ToList() : null;
        var result = new InboundReader(ours).Read(body, contentType: null);
        var verdict = Verdict.From(file.Name, result);

        if (asJson)
        {
            output.WriteLine(JsonSerializer.Serialize(verdict, JsonOptions));
        }
        else
        {
            output.WriteLine($"{verdict.File}: {(verdict.Valid ? "VALID" : "INVALID")} ({verdict.Kind}, {verdict.Syntax})");
            if (verdict.MessageId is not null)
            {
                output.WriteLine($"  message id: {verdict.MessageId}");
            }

            foreach (var issue in verdict.Issues)
            {
                output.WriteLine($"  {issue.Severity.ToUpperInvariant()} {issue.Code}: {issue.TextEn} / {issue.TextDa}{(issue.Location is null ? "" : $" (at {issue.Location})")}");
            }
        }

        return verdict.Valid ? CliApp.ExitOk : CliApp.ExitInvalid;
    }

    /// <summary>The printed verdict. Deliberately carries no patient data: a CLI's output ends up in tickets and logs.</summary>
    internal sealed record Verdict(string File, bool Valid, string Kind, string Syntax, string? MessageId, IReadOnlyList<IssueView> Issues)
    {
        public static Verdict From(string file, InboundReadResult result) => new(
            file,
            result.IsValid,
            result.Summary.Kind.ToString(),
            result.Summary.Syntax.ToString(),
            result.Summary.MessageId,
            result.Issues.Select(i => new IssueView(i.Code, i.Severity.ToString(), i.TextDa, i.TextEn, i.Location)).ToList());
    }

    internal sealed record IssueView(string Code, string Severity, string TextDa, string TextEn, string? Location);
}
