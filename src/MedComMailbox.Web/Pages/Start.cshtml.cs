using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Operations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages;

/// <summary>
/// The staff start page: the day's summary within the user's mailboxes (new and unhandled inbox items, consent
/// deadlines, failed letters, letters waiting to be printed, rejected messages, the next meeting's agenda) and the links of the user's role. Counts
/// only, so no audit entry.
/// </summary>
public sealed class StartModel(IOptions<AuthOptions> auth, IOptions<MailboxOptions> mailboxes, OperationsQueries queries, Workflow.Course.CourseQueries courses, IAuthorizationService authorization, IServiceProvider services) : PageModel
{
    public DailySummary Summary { get; private set; } = null!;

    /// <summary>Courses with a missed deadline and no written reason, and stalled courses back with the committee.</summary>
    public IReadOnlyList<Workflow.Course.CourseAttention> Courses { get; private set; } = [];

    /// <summary>Cases that consent stopped and nobody closed yet (the "kræver handling" list).</summary>
    public int NeedsAction { get; private set; }

    /// <summary>Letters to citizens exempt from Digital Post waiting to be printed and posted.</summary>
    public int PrintWaiting { get; private set; }

    public bool IsOperator { get; private set; }

    public bool IsCommittee { get; private set; }

    public bool HasLetterBox { get; private set; }

    /// <summary>The location numbers the user is limited to; empty = every mailbox.</summary>
    public IReadOnlySet<string> Limits { get; private set; } = new HashSet<string>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        IsOperator = (await authorization.AuthorizeAsync(User, Policies.Operator)).Succeeded;
        IsCommittee = (await authorization.AuthorizeAsync(User, Policies.Committee)).Succeeded;
        HasLetterBox = services.GetService<IDevelopmentLetterBox>() is not null;
        Limits = User.Mailboxes(auth.Value);
        Summary = await queries.DailySummaryAsync(Limits, cancellationToken);
        Courses = await courses.NeedingAttentionAsync(Limits, cancellationToken);
        NeedsAction = await services.GetRequiredService<Workflow.Referrals.CaseQueries>().NeedsActionCountAsync(Limits, cancellationToken);
        PrintWaiting = await services.GetRequiredService<Workflow.Referrals.PrintQueueQueries>().CountAsync(Limits, cancellationToken);
    }

    /// <summary>The mailbox's configured name, or its location number when it is not (or no longer) configured.</summary>
    public string MailboxName(string gln) => mailboxes.Value.Find(gln)?.Name ?? gln;
}
