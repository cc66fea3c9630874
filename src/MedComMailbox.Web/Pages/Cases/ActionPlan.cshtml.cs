using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Course;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Cases;

/// <summary>
/// One version of the child's joint action plan (fælles forpligtende handleplan), styled for printing and saving as a
/// document for journalising. Every view is audited before anything is shown.
/// </summary>
public sealed class ActionPlanModel(IOptions<AuthOptions> authOptions, AuditLog audit, CourseQueries queries) : PageModel
{
    public ActionPlanView? Plan { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, int version, CancellationToken cancellationToken)
    {
        Plan = await queries.GetPlanAsync(id, version, cancellationToken);
        if (Plan is null || !User.MayWorkIn(authOptions.Value, Plan.MailboxGln))
        {
            return NotFound();
        }

        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.ViewActionPlan, $"Visning af fælles forpligtende handleplan, version {version}", Plan.ChildCpr, "case", id.ToString()), cancellationToken);
        return Page();
    }
}
