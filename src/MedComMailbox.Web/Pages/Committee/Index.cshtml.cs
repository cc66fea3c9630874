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

    /// <summary>The values entered for one case's decision, kept while previewing and editing.</summary>
    public DecisionDraft? Draft { get; private set; }

    /// <summary>The letters the draft decision would send, shown before "Send afgørelsen"; null while editing.</summary>
    public DecisionPreview? Preview { get; private set; }

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var queries = services.GetRequiredService<CaseQueries>();
        var courses = services.GetRequiredService<Workflow.Course.CourseQueries>();
        var workflow = services.GetRequiredService<IOptions<WorkflowOptions>>();
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

    /// <summary>Step one: the letters the decision would send, rendered by the workflow; nothing is stored or sent.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(DecisionDraft draft, [FromServices] StaffCommands staff, CancellationToken cancellationToken) =>
        await PreviewOrErrorAsync(draft, staff, null, cancellationToken);

    /// <summary>Back from the preview to the form, with the values entered.</summary>
    public async Task<IActionResult> OnPostEditAsync(DecisionDraft draft, [FromServices] CaseQueries queries, CancellationToken cancellationToken)
    {
        var detail = await queries.GetAsync(draft.CaseId, cancellationToken);
        if (detail is null || !User.MayWorkIn(authOptions.Value, detail.MailboxGln))
        {
            return NotFound();
        }

        Draft = draft;
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>Step two: records the previewed decision and sends the previewed letters (checked again on the server).</summary>
    public async Task<IActionResult> OnPostDecisionAsync(DecisionDraft draft, string? previewed, [FromServices] StaffCommands staff, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(previewed))
        {
            // Nothing is sent unseen: without a preview, the preview is shown.
            return await PreviewOrErrorAsync(draft, staff, null, cancellationToken);
        }

        var (detail, error) = await CheckAsync(draft, cancellationToken);
        if (detail is null)
        {
            return NotFound();
        }

        if (error is not null)
        {
            return await ShowFormAsync(draft, error, cancellationToken);
        }

        var done = await staff.RecordDecisionAsync(draft.CaseId, draft.Outcome!.Trim(), draft.Responsible!, draft.Summary!.Trim(), User.StaffName(), cancellationToken, previewed);
        if (!done)
        {
            // The letters may have changed since the preview (an edited template, a changed party): show them again.
            var again = await staff.PreviewDecisionAsync(draft.CaseId, draft.Outcome!.Trim(), draft.Responsible!, draft.Summary!.Trim(), cancellationToken);
            if (again is not null && again.Fingerprint != previewed)
            {
                return await PreviewOrErrorAsync(draft, staff, "Brevene er ændret siden forhåndsvisningen. Læs dem igen, før afgørelsen sendes.", cancellationToken);
            }

            TempData[ErrorKey] = $"Afgørelsen for {detail.ChildName} kunne ikke registreres: sagen er ikke på dagsordenen, eller samtykket gælder ikke længere.";
            return RedirectToPage();
        }

        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.RecordDecision, "Koordinationsudvalgets afgørelse", detail.ChildCpr, "case", draft.CaseId.ToString()), cancellationToken);
        TempData[MessageKey] = $"Afgørelsen for {detail.ChildName} er registreret, og brevene sendes.";
        return RedirectToPage();
    }

    private async Task<IActionResult> PreviewOrErrorAsync(DecisionDraft draft, StaffCommands staff, string? notice, CancellationToken cancellationToken)
    {
        var (detail, error) = await CheckAsync(draft, cancellationToken);
        if (detail is null)
        {
            return NotFound();
        }

        if (error is not null)
        {
            return await ShowFormAsync(draft, error, cancellationToken);
        }

        var preview = await staff.PreviewDecisionAsync(draft.CaseId, draft.Outcome!.Trim(), draft.Responsible!, draft.Summary!.Trim(), cancellationToken);
        if (preview is null)
        {
            return await ShowFormAsync(draft, $"Afgørelsen for {detail.ChildName} kan ikke registreres: sagen er ikke på dagsordenen, eller samtykket gælder ikke længere.", cancellationToken);
        }

        Draft = draft;
        Preview = preview;
        await LoadAsync(cancellationToken);
        if (notice is not null)
        {
            Message = notice;
            MessageIsError = true;
        }

        return Page();
    }

    private async Task<IActionResult> ShowFormAsync(DecisionDraft draft, string error, CancellationToken cancellationToken)
    {
        Draft = draft;
        await LoadAsync(cancellationToken);
        Message = error;
        MessageIsError = true;
        return Page();
    }

    /// <summary>The case (null: not found or not the user's mailbox) and why the draft cannot be decided now, if it cannot.</summary>
    private async Task<(CaseDetail? Detail, string? Error)> CheckAsync(DecisionDraft draft, CancellationToken cancellationToken)
    {
        var detail = await services.GetRequiredService<CaseQueries>().GetAsync(draft.CaseId, cancellationToken);
        if (detail is null || !User.MayWorkIn(authOptions.Value, detail.MailboxGln))
        {
            return (null, null);
        }

        if (string.IsNullOrWhiteSpace(draft.Outcome) || string.IsNullOrWhiteSpace(draft.Responsible) || string.IsNullOrWhiteSpace(draft.Summary))
        {
            return (detail, $"Afgørelsen for {detail.ChildName} er ikke registreret: udfyld afgørelse, indsatsansvarlig og referat.");
        }

        if (draft.Outcome.Length > 200 || draft.Responsible.Length > 200 || draft.Summary.Length > 4000)
        {
            return (detail, $"Afgørelsen for {detail.ChildName} er ikke registreret: teksten er for lang.");
        }

        if (detail.Agenda is { } agenda && (services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow() < agenda.Meeting)
        {
            return (detail, $"Afgørelsen for {detail.ChildName} er ikke registreret: udvalget kan først træffe afgørelse, når mødet er begyndt ({Display.Time(agenda.Meeting)}).");
        }

        return (detail, null);
    }
}

/// <summary>The decision form's values (bound from the form by name).</summary>
public sealed class DecisionDraft
{
    public Guid CaseId { get; set; }

    public string? Outcome { get; set; }

    public string? ResponsibleParty { get; set; }

    public string? OtherResponsibleParty { get; set; }

    public string? Summary { get; set; }

    /// <summary>The responsible party the decision names: the one written in, else the one chosen.</summary>
    public string? Responsible => string.IsNullOrWhiteSpace(OtherResponsibleParty) ? ResponsibleParty?.Trim() : OtherResponsibleParty.Trim();
}
