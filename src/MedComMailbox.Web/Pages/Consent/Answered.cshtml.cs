using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Consent;

/// <summary>The result of an answer (post-redirect-get); the outcome travels in TempData, not in the address.</summary>
public sealed class AnsweredModel(IOptions<WorkflowOptions> workflowOptions) : PageModel
{
    public ConsentPageOutcome? Outcome { get; private set; }

    public bool Give { get; private set; }

    public string Municipality => workflowOptions.Value.Municipality;

    public string Committee => workflowOptions.Value.Committee;

    public IActionResult OnGet()
    {
        if (TempData[IndexModel.OutcomeKey] is string outcome && Enum.TryParse<ConsentPageOutcome>(outcome, out var parsed))
        {
            Outcome = parsed;
            Give = TempData[IndexModel.GiveKey] is true;
            if (parsed == ConsentPageOutcome.LinkInvalid)
            {
                Response.StatusCode = StatusCodes.Status410Gone;
            }
        }

        return Page();
    }
}
