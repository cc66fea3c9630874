using MedComMailbox.Core.Consent;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Cases;

/// <summary>
/// One case as staff see it. Reading needs a staff role; every POST (consent on paper, closing, resending a letter)
/// needs the Operator policy and a case in one of the user's mailboxes. Post-redirect-get throughout.
/// </summary>
public sealed class DetailModel(IOptions<AuthOptions> authOptions, IAuthorizationService authorization, AuditLog audit) : PageModel
{
    private const string MessageKey = "case.message";
    private const string ErrorKey = "case.error";

    public CaseDetail? Case { get; private set; }

    public bool MayOperate { get; private set; }

    public string? Message { get; private set; }

    public bool MessageIsError { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, [FromServices] CaseQueries queries, CancellationToken cancellationToken)
    {
        Case = await queries.GetAsync(id, cancellationToken);
        if (Case is null || !User.MayWorkIn(authOptions.Value, Case.MailboxGln))
        {
            return NotFound();
        }

        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.ViewCase, "Sagsbehandling af henvisning", Case.ChildCpr, "case", id.ToString()), cancellationToken);
        MayOperate = (await authorization.AuthorizeAsync(User, Policies.Operator)).Succeeded;
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

    public Task<IActionResult> OnPostConsentAsync(Guid id, string? partyId, ConsentAnswer answer, [FromServices] CaseQueries queries, [FromServices] ConsentCommands consent, CancellationToken cancellationToken) =>
        Operate(id, queries, async detail =>
        {
            if (answer is not (ConsentAnswer.Given or ConsentAnswer.Refused or ConsentAnswer.Withdrawn) || detail.Parties.All(p => p.PartyId != partyId))
            {
                return (false, "Vælg en person og et svar.");
            }

            var done = await consent.RegisterConsentAsync(id, partyId!, answer, User.StaffName(), cancellationToken);
            await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.RegisterConsent, $"Registrering af samtykke på papir: {Display.Answer(answer).ToLowerInvariant()}", partyId, "case", id.ToString()), cancellationToken);
            return done ? (true, $"Registreret: {Display.Answer(answer).ToLowerInvariant()}.") : (false, "Svaret kunne ikke registreres. Sagen eller personen findes ikke længere.");
        });

    public Task<IActionResult> OnPostCloseAsync(Guid id, string? reason, [FromServices] CaseQueries queries, [FromServices] StaffCommands staff, CancellationToken cancellationToken) =>
        Operate(id, queries, async detail =>
        {
            if (string.IsNullOrWhiteSpace(reason))
            {
                return (false, "Skriv en årsag til, at sagen lukkes.");
            }

            var done = await staff.CloseAsync(id, reason.Trim(), User.StaffName(), cancellationToken);
            await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.CloseCase, "Lukning af sag", detail.ChildCpr, "case", id.ToString()), cancellationToken);
            return done ? (true, detail.NeedsAction ? "Sagen er lukket og fjernet fra listen \"Kræver handling\"." : "Sagen er lukket.") : (false, "Sagen kunne ikke lukkes. Den er måske allerede lukket eller afgjort.");
        });

    public Task<IActionResult> OnPostResendAsync(Guid id, Guid letterId, [FromServices] CaseQueries queries, [FromServices] StaffCommands staff, CancellationToken cancellationToken) =>
        Operate(id, queries, async detail =>
        {
            if (detail.Letters.All(l => l.Id != letterId))
            {
                return (false, "Brevet hører ikke til sagen.");
            }

            var done = await staff.ResendLetterAsync(letterId, User.StaffName(), cancellationToken);
            await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.ResendLetter, "Genafsendelse af brev", detail.Letters.First(l => l.Id == letterId).PartyId, "case", id.ToString()), cancellationToken);
            return done ? (true, "Brevet sendes igen.") : (false, "Brevet kunne ikke sendes igen.");
        });

    private async Task<IActionResult> Operate(Guid id, CaseQueries queries, Func<CaseDetail, Task<(bool Ok, string Message)>> action)
    {
        if (!(await authorization.AuthorizeAsync(User, Policies.Operator)).Succeeded)
        {
            return Forbid();
        }

        var detail = await queries.GetAsync(id, HttpContext.RequestAborted);
        if (detail is null || !User.MayWorkIn(authOptions.Value, detail.MailboxGln))
        {
            return NotFound();
        }

        var (ok, message) = await action(detail);
        TempData[ok ? MessageKey : ErrorKey] = message;
        return RedirectToPage(new { id });
    }
}
