using System.Globalization;
using MedComMailbox.Core.Course;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Course;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Cases;

/// <summary>
/// The child's course after the decision: its meetings with deadlines, planning the next one, recording it as held
/// with the action plan's fields, the reason for a missed deadline. Reading needs a staff role (audited); every POST
/// needs the Operator policy and a course in one of the user's mailboxes.
/// </summary>
public sealed class CourseModel(IOptions<AuthOptions> authOptions, IAuthorizationService authorization, AuditLog audit, CourseQueries queries, CourseWorkflow workflow, TimeProvider time) : PageModel
{
    private const string MessageKey = "course.message";
    private const string ErrorKey = "course.error";

    public CourseDetail? Course { get; private set; }

    public bool MayOperate { get; private set; }

    public string? Message { get; private set; }

    public bool MessageIsError { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Course = await queries.GetAsync(id, cancellationToken);
        if (Course is null || !User.MayWorkIn(authOptions.Value, Course.MailboxGln))
        {
            return NotFound();
        }

        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.ViewCourse, "Opfølgning på barnets forløb efter udvalgets afgørelse", Course.ChildCpr, "case", id.ToString()), cancellationToken);
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

    public Task<IActionResult> OnPostPlanAsync(Guid id, string? at, string? place, string? participants, CancellationToken cancellationToken) =>
        Operate(id, "Planlægning af møde i forløbet", async detail =>
        {
            if (Display.ParseLocal(at) is not { } when || string.IsNullOrWhiteSpace(place))
            {
                return (false, "Udfyld tidspunkt og sted for mødet.");
            }

            var done = await workflow.PlanAsync(id, when, place, Lines(participants), User.StaffName(), cancellationToken);
            return done ? (true, "Mødet er planlagt. Familien og lægen får besked.") : (false, "Mødet kunne ikke planlægges. Tidspunktet må ikke ligge i fortiden.");
        });

    public Task<IActionResult> OnPostHeldAsync(
        Guid id, string? heldOn, MeetingKind nextKind, string? place, string? participants, string? whatWorks, string? whatIsHard, string? childGoals,
        string? ourGoals, string? agreements, string? expectations, string? nextAt, string? nextPlace, CancellationToken cancellationToken) =>
        Operate(id, "Registrering af afholdt møde og handleplan", async detail =>
        {
            if (!DateOnly.TryParseExact(heldOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) || string.IsNullOrWhiteSpace(place)
                || string.IsNullOrWhiteSpace(agreements))
            {
                return (false, "Udfyld mindst dato, sted og aftaler til næste møde.");
            }

            var next = Display.ParseLocal(nextAt);
            if (!string.IsNullOrWhiteSpace(nextAt) && next is null)
            {
                return (false, "Tidspunktet for næste møde kunne ikke læses.");
            }

            var plan = new ActionPlanContent(place.Trim(), Lines(participants), Trim(whatWorks), Trim(whatIsHard), Trim(childGoals), Trim(ourGoals), Trim(agreements), Trim(expectations), next);
            // A meeting recorded by its date counts from noon; one recorded on its own day before noon, from now.
            var now = time.GetUtcNow();
            var heldAt = Display.LocalNoon(day);
            if (heldAt > now && heldAt - now < TimeSpan.FromDays(1) && Display.Date(now) == Display.Date(heldAt))
            {
                heldAt = now;
            }

            var done = await workflow.RecordHeldAsync(id, heldAt, nextKind, next is null ? plan : plan with { Place = string.IsNullOrWhiteSpace(nextPlace) ? plan.Place : nextPlace.Trim() }, User.StaffName(), cancellationToken);
            return done ? (true, "Mødet er registreret, og handleplanen er gemt.") : (false, "Mødet kunne ikke registreres. Datoen må ikke ligge i fremtiden.");
        });

    public Task<IActionResult> OnPostReasonAsync(Guid id, int milestone, string? reason, CancellationToken cancellationToken) =>
        Operate(id, "Begrundelse for overskredet frist", async detail =>
        {
            if (string.IsNullOrWhiteSpace(reason))
            {
                return (false, "Skriv en begrundelse for, at fristen ikke blev overholdt.");
            }

            var done = await workflow.RecordMissedReasonAsync(id, milestone, reason, User.StaffName(), cancellationToken);
            return done ? (true, "Begrundelsen er gemt.") : (false, "Begrundelsen kunne ikke gemmes.");
        });

    private async Task<IActionResult> Operate(Guid id, string purpose, Func<CourseDetail, Task<(bool Ok, string Message)>> action)
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
        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.RecordCourse, purpose, detail.ChildCpr, "case", id.ToString()), HttpContext.RequestAborted);
        TempData[ok ? MessageKey : ErrorKey] = message;
        return RedirectToPage(new { id });
    }

    private static List<string> Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(30).ToList();

    private static string Trim(string? text) => (text ?? "").Trim();
}
