using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Workflow.Operations;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Administration;

/// <summary>The configured mailboxes with their message counts. Read only: mailboxes are configuration (see the page).</summary>
public sealed class MailboxesModel(OperationsQueries queries, IOptions<MailboxOptions> options) : PageModel
{
    public sealed record MailboxRow(string Gln, string SorId, string Name, long Received, long Sent, long Unhandled);

    public IReadOnlyList<MailboxRow> Mailboxes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var counts = (await queries.MailboxCountsAsync(cancellationToken)).ToDictionary(c => c.MailboxGln, StringComparer.Ordinal);
        Mailboxes = options.Value.Mailboxes.Select(m => counts.TryGetValue(m.Gln, out var c)
            ? new MailboxRow(m.Gln, m.SorId, m.Name, c.Received, c.Sent, c.Unhandled)
            : new MailboxRow(m.Gln, m.SorId, m.Name, 0, 0, 0)).ToList();
    }
}
