using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Terminology;
using MedComMailbox.Web.Auth;
using MedComMailbox.Web.Pages.Messages;
using MedComMailbox.Workflow.Inbox;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Inbox;

/// <summary>
/// A new MedCom message to a GP (or any MedCom receiver) by location number and SOR id. It goes through the outbox like
/// every other message, so the acknowledgement is tracked. The receiver may be prefilled from the query string (no
/// personal data there); the patient is typed in and arrives by POST only.
/// </summary>
[Authorize(Policy = Policies.Operator)]
public sealed class WriteModel(InboxCommands commands, IOptions<AuthOptions> authOptions, IOptions<MailboxOptions> mailboxOptions) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "fra")]
    public string? FromMailbox { get; set; }

    [BindProperty(SupportsGet = true, Name = "gln")]
    public string? ReceiverGln { get; set; }

    [BindProperty(SupportsGet = true, Name = "sor")]
    public string? ReceiverSorId { get; set; }

    [BindProperty(SupportsGet = true, Name = "modtager")]
    public string? ReceiverName { get; set; }

    [BindProperty(Name = "cpr")]
    public string? PatientCpr { get; set; }

    [BindProperty(Name = "fornavn")]
    public string? PatientGivenName { get; set; }

    [BindProperty(Name = "efternavn")]
    public string? PatientFamilyName { get; set; }

    [BindProperty(Name = "kategori")]
    public string? Category { get; set; } = "other";

    [BindProperty(Name = "emne")]
    public string? Topic { get; set; }

    [BindProperty(Name = "haster")]
    public bool Urgent { get; set; }

    [BindProperty(Name = "tekst")]
    public string? Text { get; set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public IReadOnlyList<MailboxIdentity> Mailboxes { get; private set; } = [];

    public static IEnumerable<(string Code, string Display)> Categories =>
        MedComTerminology.Categories.Codes.Select(c => (Code: c, Display: MedComTerminology.Categories.DanishName(c) ?? c)).OrderBy(c => c.Display, StringComparer.Create(Display.Danish, ignoreCase: true));

    public void OnGet() => LoadMailboxes();

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "bilag")] List<IFormFile>? files, CancellationToken cancellationToken)
    {
        LoadMailboxes();
        var (attachments, error) = await DetailModel.ReadAttachmentsAsync(files, cancellationToken);
        if (error is not null)
        {
            Errors = [error];
            return Page();
        }

        var form = new NewMessageForm(FromMailbox ?? (Mailboxes.Count > 0 ? Mailboxes[0].Gln : ""), ReceiverGln, ReceiverSorId, ReceiverName, PatientCpr,
            PatientGivenName, PatientFamilyName, Category, Topic, Urgent, Text, attachments);
        var result = await commands.WriteAsync(form, User.Actor(authOptions.Value), cancellationToken);
        if (!result.Sent)
        {
            Errors = result.Errors;
            return Page();
        }

        TempData["message.message"] = "Beskeden er sendt. Kvitteringen følges under Drift.";
        return RedirectToPage("/Messages/Detail", new { id = result.MessageId });
    }

    private void LoadMailboxes()
    {
        var allowed = User.Mailboxes(authOptions.Value);
        Mailboxes = mailboxOptions.Value.Identities.Where(m => allowed.Count == 0 || allowed.Contains(m.Gln)).ToList();
    }
}
