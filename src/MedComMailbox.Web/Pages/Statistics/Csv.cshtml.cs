using System.Text;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Referrals;
using MedComMailbox.Workflow.Statistics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Statistics;

/// <summary>
/// The statistics page's numbers as CSV for Danish Excel: UTF-8 with a byte order mark (else Excel reads æøå wrong),
/// semicolons between fields (the comma is the Danish decimal sign), one row per indicator value.
/// </summary>
public sealed class CsvModel(IOptions<AuthOptions> auth, IOptions<MailboxOptions> mailboxes, IndicatorQueries queries, IOptions<WorkflowOptions> workflow, TimeProvider time) : PageModel
{
    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "fra")] string? from, [FromQuery(Name = "til")] string? to, [FromQuery(Name = "postkasse")] string? mailbox, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), workflow.Value.Schedule().TimeZone).DateTime);
        var request = StatisticsRequest.Read(from, to, mailbox, User, auth.Value, mailboxes.Value, today);
        if (request.Problem is not null)
        {
            // An export of another period than the one asked for would be misread; the page explains the problem.
            return BadRequest(request.Problem);
        }

        var report = await queries.ReportAsync(request.Period, request.Mailboxes, cancellationToken);
        var period = $"{StatisticsRequest.Iso(request.Period.From)} – {StatisticsRequest.Iso(request.Period.To)}";
        var csv = new StringBuilder();
        Line(csv, "Indikator", "Kategori", "Værdi", "Periode", "Postkasser");
        var scope = request.Mailboxes.Count == 0 ? "alle" : string.Join(" ", request.Mailboxes);
        foreach (var value in report.Values())
        {
            Line(csv, value.Indicator, value.Category, value.Value, period, scope);
        }

        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
        return File(bytes, "text/csv; charset=utf-8", $"statistik-{StatisticsRequest.Iso(request.Period.From)}-{StatisticsRequest.Iso(request.Period.To)}.csv");
    }

    private static void Line(StringBuilder csv, params string[] fields) =>
        csv.Append(string.Join(';', fields.Select(Field))).Append("\r\n");

    private static string Field(string value) =>
        value.IndexOfAny([';', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
