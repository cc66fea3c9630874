using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Inbox;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Messages;

/// <summary>Downloads one attachment of a stored message; audited like reading the message.</summary>
public sealed class AttachmentModel(MessageDetailQueries queries, AuditLog audit, IOptions<AuthOptions> authOptions) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, int index, CancellationToken cancellationToken)
    {
        var attachment = await queries.GetAttachmentAsync(id, index, cancellationToken);
        if (attachment is null || !User.MayWorkIn(authOptions.Value, attachment.MailboxGln))
        {
            return NotFound();
        }

        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.DownloadAttachment, "Hentning af bilag", attachment.PatientCpr, "message", id.ToString()), cancellationToken);
        // Always a download, never rendered inline: an attachment from outside must not run in our origin.
        Response.Headers.XContentTypeOptions = "nosniff";
        return File(attachment.Data, attachment.ContentType, attachment.FileName);
    }
}
