using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Cases;

/// <summary>The "kræver handling" list: cases that refused, withdrawn or expired consent stopped, until a person closes them.</summary>
public sealed class NeedsActionModel(IOptions<AuthOptions> authOptions) : PageModel
{
    public IReadOnlyList<NeedsActionItem> Cases { get; private set; } = [];

    public async Task OnGetAsync([FromServices] CaseQueries queries, CancellationToken cancellationToken) =>
        Cases = await queries.NeedsActionAsync(User.Mailboxes(authOptions.Value), cancellationToken);
}
