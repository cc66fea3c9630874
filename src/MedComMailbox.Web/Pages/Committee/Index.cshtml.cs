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

    /// <summary>Courses that stalled after a follow-up and are back on the committee's agenda.</summary>
    public IReadOnlyList<Workflow.Course.CourseAttention> Stalled { get; private set; } = [];

    /// <summary>The responsible parties the municipality configured (Workflow:Course:ResponsibleParties).</summary>
    public IReadOnlyList<string> ResponsibleParties { get; private set; } = [];

    public string? Message { get; private set; }

    public bool MessageIsError { get; private set; }

    public async Task OnGetAsync([FromServices] CaseQueries queries, [FromServices] Workflow.Course.CourseQueries courses, [FromServices] IOptions<WorkflowOptions> workflow, CancellationToken cancellationToken)
    {
        ResponsibleParties = workflow.Value.Course.ResponsibleParties.Select(p => p.Name).ToList();
        Stalled = (await courses.NeedingAttentionAsync(User.Mailboxes(authOptions.Value), cancellationToken)).Where(c => c.StalledAt is not null).ToList();
        await audit.RecordAsync(
            Stalled.Select(i => new AuditEntry(User.StaffName(), AuditActions.ViewAgenda, "Forløb tilbage på koordinationsudvalgets dagsorden", i.ChildCpr, "case", i.CaseId.ToString())).ToList(),
            cancellationToken);
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

    public async Task<IActionResult> OnPostResumeAsync(
        Guid caseId, string? responsibleParty, string? note, [FromServices] Workflow.Course.CourseQueries courses, [FromServices] Workflow.Course.CourseWorkflow workflow,
        CancellationToken cancellationToken)
    {
        var course = await courses.GetAsync(caseId, cancellationToken);
        if (course is null || !User.MayWorkIn(authOptions.Value, course.MailboxGln))
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(responsibleParty))
        {
            TempData[ErrorKey] = $"Forløbet for {course.ChildName} er ikke genoptaget: vælg en indsatsansvarlig.";
            return RedirectToPage();
        }

        var done = await workflow.ResumeAsync(caseId, responsibleParty, note ?? "", User.StaffName(), cancellationToken);
        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.RecordCourse, "Koordinationsudvalget genoptager et forløb, der er gået i stå", course.ChildCpr, "case", caseId.ToString()), cancellationToken);
        TempData[done ? MessageKey : ErrorKey] = done
            ? $"Forløbet for {course.ChildName} er genoptaget hos {responsibleParty.Trim()}."
            : $"Forløbet for {course.ChildName} kunne ikke genoptages: det er ikke gået i stå.";
        return RedirectToPage();
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

        if (detail.Agenda is { } agenda && HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() < agenda.Meeting)
        {
            TempData[ErrorKey] = $"Afgørelsen for {detail.ChildName} er ikke registreret: udvalget kan først træffe afgørelse, når mødet er begyndt ({Display.Time(agenda.Meeting)}).";
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
