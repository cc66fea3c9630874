using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Committee;

/// <summary>The agenda of the coming meetings and the decision form per case (Committee policy, set on the folder).</summary>
public sealed class IndexModel(IOptions<AuthOptions> authOptions, IServiceProvider services, AuditLog audit) : PageModel
{
    private const string MessageKey = "committee.message";
    private const string ErrorKey = "committee.error";

    public IReadOnlyList<IGrouping<DateTimeOffset, AgendaItem>> Meetings { get; private set; } = [];

    public string? Message { get; private set; }

    public bool MessageIsError { get; private set; }

    public async Task OnGetAsync([FromServices] CaseQueries queries, CancellationToken cancellationToken)
    {
        var agenda = await queries.AgendaAsync((services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow(), cancellationToken);
        var visible = agenda.Where(i => User.MayWorkIn(authOptions.Value, i.MailboxGln)).ToList();
        Meetings = visible.OrderBy(i => i.MeetingAt).GroupBy(i => i.MeetingAt).ToList();
        await audit.RecordAsync(
            visible.Select(i => new AuditEntry(User.StaffName(), AuditActions.ViewAgenda, "Forberedelse af koordinationsudvalgets møde", i.ChildCpr, "case", i.CaseId.ToString())).ToList(),
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

    public async Task<IActionResult> OnPostDecisionAsync(
        Guid caseId, string? outcome, string? responsibleParty, string? otherResponsibleParty, string? summary,
        [FromServices] CaseQueries queries, [FromServices] ReferralWorkflow workflow, CancellationToken cancellationToken)
    {
        var detail = await queries.GetAsync(caseId, cancellationToken);
        if (detail is null || !User.MayWorkIn(authOptions.Value, detail.MailboxGln))
        {
            return NotFound();
        }

        var responsible = string.IsNullOrWhiteSpace(otherResponsibleParty) ? responsibleParty?.Trim() : otherResponsibleParty.Trim();
        if (string.IsNullOrWhiteSpace(outcome) || string.IsNullOrWhiteSpace(responsible) || string.IsNullOrWhiteSpace(summary))
        {
            TempData[ErrorKey] = $"Afgørelsen for {detail.ChildName} er ikke registreret: udfyld afgørelse, indsatsansvarlig og referat.";
            return RedirectToPage();
        }

        var done = await workflow.RecordDecisionAsync(caseId, outcome.Trim(), responsible, summary.Trim(), User.StaffName(), cancellationToken);
        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.RecordDecision, "Koordinationsudvalgets afgørelse", detail.ChildCpr, "case", caseId.ToString()), cancellationToken);
        TempData[done ? MessageKey : ErrorKey] = done
            ? $"Afgørelsen for {detail.ChildName} er registreret, og brevene sendes."
            : $"Afgørelsen for {detail.ChildName} kunne ikke registreres: sagen er ikke på dagsordenen, eller samtykket gælder ikke længere.";
        return RedirectToPage();
    }
}
