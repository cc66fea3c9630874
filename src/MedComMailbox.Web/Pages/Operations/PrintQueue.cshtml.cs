using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Operations;

/// <summary>
/// The print queue (Operator policy, as the operations page): letters to citizens the CPR register says are exempt from
/// Digital Post, with the name and address the register gave. Each letter downloads as a PDF to print and post, then
/// <b>Markér som udskrevet og sendt</b>. Names and addresses are personal data about a child's case: the list, every download
/// and every marking are audited, one entry per person. Post-redirect-get.
/// </summary>
[Authorize(Policy = Policies.Operator)]
public sealed class PrintQueueModel(IOptions<AuthOptions> auth, PrintQueueQueries queries, LetterDispatcher letters, AuditLog audit) : PageModel
{
    private const string MessageKey = "printqueue.message";
    private const string ErrorKey = "printqueue.error";

    public IReadOnlyList<PrintQueueItem> Items { get; private set; } = [];

    public string? Message { get; private set; }

    public bool MessageIsError { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Items = await queries.ListAsync(User.Mailboxes(auth.Value), cancellationToken);
        await audit.RecordAsync(
            Items.Select(i => new AuditEntry(User.StaffName(), AuditActions.ViewPrintQueue, "Visning af udskriftskøen (breve til borgere fritaget for Digital Post)", i.PartyId, "letter", i.Id.ToString())).ToList(),
            cancellationToken);
        if (TempData[ErrorKey] is string error)
        {
            Message = error;
            MessageIsError = true;
        }
        else
        {
            Message = TempData[MessageKey] as string;
        }
    }

    public async Task<IActionResult> OnGetPdfAsync(Guid id, CancellationToken cancellationToken)
    {
        var letter = await letters.PaperLetterAsync(id, cancellationToken);
        if (letter is null || !User.MayWorkIn(auth.Value, letter.MailboxGln))
        {
            return NotFound();
        }

        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.DownloadPaperLetter, "Hentning af brev til udskrift og forsendelse som papirpost", letter.PartyId, "letter", id.ToString()), cancellationToken);
        Response.Headers.XContentTypeOptions = "nosniff";
        Response.Headers.CacheControl = "no-store";
        return File(LetterPdf.Render(letter), "application/pdf", $"brev-{id}.pdf");
    }

    public async Task<IActionResult> OnPostPrintedAsync(Guid letterId, CancellationToken cancellationToken)
    {
        var item = await queries.FindAsync(letterId, cancellationToken);
        if (item is null || !User.MayWorkIn(auth.Value, item.MailboxGln))
        {
            return Done(false, "Brevet venter ikke længere på udskrift.");
        }

        var done = await letters.MarkPrintedAsync(letterId, User.StaffName(), cancellationToken);
        return Done(done, done
            ? $"Brevet til {item.RecipientName} er markeret som udskrevet og sendt. Sagens tidslinje viser, at det er sendt som papirpost."
            : "Brevet venter ikke længere på udskrift. Måske har en kollega allerede markeret det.");
    }

    public static string LetterKind(string kind) => IndexModel.LetterKind(kind);

    public static string PartyRole(string role) => IndexModel.PartyRole(role);

    public static IEnumerable<string> AddressLines(string? address) =>
        address?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private RedirectToPageResult Done(bool ok, string message)
    {
        TempData[ok ? MessageKey : ErrorKey] = message;
        return RedirectToPage();
    }
}
