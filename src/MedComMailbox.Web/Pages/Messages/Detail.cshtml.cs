using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.Terminology;
using MedComMailbox.Web.Auth;
using MedComMailbox.Web.Pages.Inbox;
using MedComMailbox.Workflow.Inbox;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Messages;

/// <summary>
/// One message with its thread (segments in order, authors, attachments), the OIOXML letter, the acknowledgement state
/// and its case. Reading needs a staff role and the message's mailbox, and is audited; replying, marking handled and
/// assigning need the Operator policy. Post-redirect-get throughout.
/// </summary>
public sealed class DetailModel(
    MessageDetailQueries queries, InboxCommands commands, AuditLog audit, IAuthorizationService authorization,
    IOptions<AuthOptions> authOptions, IOptions<MailboxOptions> mailboxOptions) : PageModel
{
    private const string MessageKey = "message.message";
    private const string ErrorKey = "message.error";

    /// <summary>Attachments larger than this are refused (MedCom's VANS network takes messages up to about 20 MB in all).</summary>
    public const long MaxAttachmentBytes = 10 * 1024 * 1024;

    public MessageDetail? Detail { get; private set; }

    public bool MayOperate { get; private set; }

    public string? Message { get; private set; }

    public bool MessageIsError { get; private set; }

    public string MailboxName => mailboxOptions.Value.Find(Detail?.MailboxGln)?.Name ?? Detail?.MailboxGln ?? "";

    /// <summary>A category in Danish: the code system's Danish designation ("Vedr. henvisning"), not its English display.</summary>
    public static string? CategoryName(string? code) => code is null ? null : MedComTerminology.Categories.DanishName(code) ?? code;

    /// <summary>A practitioner role code in Danish from MedCom's SKS list ("Overlæge" for <c>overlaege</c>).</summary>
    public static string RoleName(string code) => MedComTerminology.PractitionerRoles.DanishName(code) ?? code;

    /// <summary>A size people read: "611 B", "12 kB", "3,4 MB" (a 611-byte file is not "0 kB").</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(Display.Danish, $"{bytes / 1024.0:0.#} kB"),
        _ => string.Create(Display.Danish, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };

    /// <summary>An attachment URL that may be a link: http(s) only, never javascript: or data:.</summary>
    public static bool IsLinkable(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Detail = await queries.GetMessageAsync(id, cancellationToken);
        if (Detail is null || !User.MayWorkIn(authOptions.Value, Detail.MailboxGln))
        {
            return NotFound();
        }

        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.ViewMessage, "Læsning af korrespondance", Detail.PatientCpr, "message", id.ToString()), cancellationToken);
        MayOperate = (await authorization.AuthorizeAsync(User, Policies.Operator)).Succeeded;
        if (MayOperate && Detail.ItemId is { } itemId && Detail.ItemState == "new")
        {
            await commands.MarkReadAsync(itemId, User.Actor(authOptions.Value), cancellationToken);
        }

        if (TempData[ErrorKey] is string error)
        {
            Message = error;
            MessageIsError = true;
        }
        else
        {
            Message = TempData[MessageKey] as string;
        }

        return Page();
    }

    public Task<IActionResult> OnPostReplyAsync(Guid id, [FromForm(Name = "tekst")] string? text, [FromForm(Name = "bilag")] List<IFormFile>? files, CancellationToken cancellationToken) =>
        Operate(id, async detail =>
        {
            var (attachments, error) = await ReadAttachmentsAsync(files, cancellationToken);
            if (error is not null)
            {
                return (false, error);
            }

            var result = await commands.ReplyAsync(id, text, attachments, User.Actor(authOptions.Value), cancellationToken);
            return result.Sent
                ? (true, "Svaret er sendt. Det vises i tråden, og kvitteringen følges under Drift.")
                : (false, string.Join(" ", result.Errors));
        });

    public Task<IActionResult> OnPostHandledAsync(Guid id, [FromForm(Name = "behandlet")] bool handled, CancellationToken cancellationToken) =>
        Operate(id, async detail =>
        {
            if (detail.ItemId is not { } itemId)
            {
                return (false, "Beskeden ligger ikke i indbakken.");
            }

            var changed = await commands.SetHandledAsync([itemId], handled, User.Actor(authOptions.Value), cancellationToken);
            return (true, changed == 0 ? "Uændret." : handled ? "Markeret som behandlet." : "Markeret som ubehandlet.");
        });

    public Task<IActionResult> OnPostAssignAsync(Guid id, [FromForm(Name = "tildel")] string? assignee, CancellationToken cancellationToken) =>
        Operate(id, async detail =>
        {
            if (detail.ItemId is not { } itemId)
            {
                return (false, "Beskeden ligger ikke i indbakken.");
            }

            var done = await commands.AssignAsync(itemId, assignee, User.Actor(authOptions.Value), cancellationToken);
            return done
                ? (true, string.IsNullOrWhiteSpace(assignee) ? "Tildelingen er fjernet." : $"Tildelt {assignee.Trim()}.")
                : (false, "Beskeden kunne ikke tildeles.");
        });

    /// <summary>Reads uploaded files as MedCom attachments: a MIME type from MedCom's list, at most 10 MB each.</summary>
    public static async Task<(IReadOnlyList<OutgoingAttachment> Attachments, string? Error)> ReadAttachmentsAsync(IEnumerable<IFormFile>? files, CancellationToken cancellationToken)
    {
        var attachments = new List<OutgoingAttachment>();
        foreach (var file in files ?? [])
        {
            if (file.Length == 0)
            {
                continue;
            }

            if (file.Length > MaxAttachmentBytes)
            {
                return ([], $"Bilaget {file.FileName} er for stort (højst 10 MB).");
            }

            var contentType = ContentTypeOf(file);
            if (!MedComTerminology.AttachmentMimeTypes.Contains(contentType))
            {
                return ([], $"Bilaget {file.FileName} har en filtype, MedCom ikke tillader (brug fx PDF, JPEG eller PNG).");
            }

            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            attachments.Add(new OutgoingAttachment(contentType!, Path.GetFileName(file.FileName), buffer.ToArray()));
        }

        return (attachments, null);
    }

    private static string? ContentTypeOf(IFormFile file) => Path.GetExtension(file.FileName).ToLowerInvariant() switch
    {
        ".pdf" => "application/pdf",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".tif" or ".tiff" => "image/tiff",
        ".gif" => "image/gif",
        _ => file.ContentType,
    };

    private async Task<IActionResult> Operate(Guid id, Func<MessageDetail, Task<(bool Ok, string Message)>> action)
    {
        if (!(await authorization.AuthorizeAsync(User, Policies.Operator)).Succeeded)
        {
            return Forbid();
        }

        var detail = await queries.GetMessageAsync(id, HttpContext.RequestAborted);
        if (detail is null || !User.MayWorkIn(authOptions.Value, detail.MailboxGln))
        {
            return NotFound();
        }

        var (ok, message) = await action(detail);
        TempData[ok ? MessageKey : ErrorKey] = message;
        return RedirectToPage(new { id });
    }
}
