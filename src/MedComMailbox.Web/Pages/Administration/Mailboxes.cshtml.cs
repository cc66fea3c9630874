using Dapper;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Administration;

/// <summary>The configured mailboxes with their message counts. Read only: mailboxes are configuration (see the page).</summary>
public sealed class MailboxesModel(MailboxDatabase database, IOptions<MailboxOptions> options) : PageModel
{
    public sealed record MailboxRow(string Gln, string SorId, string Name, long Received, long Sent, long Unhandled);

    public IReadOnlyList<MailboxRow> Mailboxes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var messages = (await connection.QueryAsync<(string Gln, string Direction, long Count)>(
            "SELECT mailbox_gln, direction, CAST(COUNT(*) AS BIGINT) FROM messages WHERE mailbox_gln IS NOT NULL GROUP BY mailbox_gln, direction")).ToList();
        var unhandled = (await connection.QueryAsync<(string Gln, long Count)>(
            "SELECT mailbox_gln, CAST(COUNT(*) AS BIGINT) FROM inbox_items WHERE state <> 'done' GROUP BY mailbox_gln")).ToDictionary(r => r.Gln, r => r.Count, StringComparer.Ordinal);
        Mailboxes = options.Value.Mailboxes.Select(m => new MailboxRow(
            m.Gln,
            m.SorId,
            m.Name,
            messages.Where(r => r.Gln == m.Gln && r.Direction == "in").Sum(r => r.Count),
            messages.Where(r => r.Gln == m.Gln && r.Direction == "out").Sum(r => r.Count),
            unhandled.GetValueOrDefault(m.Gln))).ToList();
    }
}
