using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Cases;

/// <summary>The cases of the mailboxes the user works in; open ones unless <c>?alle=true</c>.</summary>
public sealed class IndexModel(IOptions<AuthOptions> authOptions) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "alle")]
    public bool All { get; set; }

    public IReadOnlyList<CaseSummary> Cases { get; private set; } = [];

    public async Task OnGetAsync([FromServices] CaseQueries queries, CancellationToken cancellationToken)
    {
        var cases = await queries.ListAsync(openOnly: !All, cancellationToken);
        Cases = cases.Where(c => User.MayWorkIn(authOptions.Value, c.MailboxGln)).ToList();
    }
}
