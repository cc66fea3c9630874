using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Referrals;
using MedComMailbox.Workflow.Statistics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Statistics;

/// <summary>
/// The evaluation's indicators for a period (any staff role). Aggregates only, so no audit entry: nothing on the page
/// names or identifies a person. GET with the period in the query string; the CSV export takes the same query.
/// </summary>
public sealed class IndexModel(IOptions<AuthOptions> auth, IOptions<MailboxOptions> mailboxes, IndicatorQueries queries, IOptions<WorkflowOptions> workflow, TimeProvider time) : PageModel
{
    public IndicatorReport Report { get; private set; } = null!;

    public StatisticsRequest Query { get; private set; } = null!;

    /// <summary>The mailboxes the user may choose among (with their names).</summary>
    public IReadOnlyList<MailboxEntry> Mailboxes { get; private set; } = [];

    public string CsvLink { get; private set; } = "";

    public async Task OnGetAsync([FromQuery(Name = "fra")] string? from, [FromQuery(Name = "til")] string? to, [FromQuery(Name = "postkasse")] string? mailbox, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), workflow.Value.Schedule().TimeZone).DateTime);
        Query = StatisticsRequest.Read(from, to, mailbox, User, auth.Value, mailboxes.Value, today);
        var allowed = User.Mailboxes(auth.Value);
        Mailboxes = mailboxes.Value.Mailboxes.Where(m => allowed.Count == 0 || allowed.Contains(m.Gln)).ToList();
        Report = await queries.ReportAsync(Query.Period, Query.Mailboxes, cancellationToken);
        var query = new Dictionary<string, string?> { ["fra"] = StatisticsRequest.Iso(Query.Period.From), ["til"] = StatisticsRequest.Iso(Query.Period.To) };
        if (Query.Mailbox is not null)
        {
            query["postkasse"] = Query.Mailbox;
        }

        CsvLink = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/statistik/csv", query);
    }

    /// <summary>A bar's length in percent of the largest value (at least a sliver when the value is not zero).</summary>
    public static string BarWidth(int value, int largest) =>
        largest <= 0 || value <= 0 ? "0" : Math.Max(1, Math.Round(100.0 * value / largest, 1)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
