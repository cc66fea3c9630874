using System.Globalization;
using System.Security.Claims;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Statistics;

namespace MedComMailbox.Web.Pages.Statistics;

/// <summary>
/// The statistics page's and the CSV export's query string (<c>fra</c>, <c>til</c> as yyyy-MM-dd, <c>postkasse</c>),
/// read the same way for both so the export always matches the page. Dates are Danish calendar days.
/// </summary>
public sealed record StatisticsRequest(StatisticsPeriod Period, string? Mailbox, IReadOnlyCollection<string> Mailboxes, string? Problem)
{
    /// <summary>Longer periods are refused: the page reads every case of the period.</summary>
    public const int MaxYears = 10;

    public static StatisticsRequest Read(string? from, string? to, string? mailbox, ClaimsPrincipal user, AuthOptions auth, MailboxOptions mailboxes, DateOnly today)
    {
        var period = StatisticsPeriod.LastTwelveMonths(today);
        string? problem = null;
        var fromOk = TryDate(from, out var f);
        var toOk = TryDate(to, out var t);
        if (!fromOk || !toOk)
        {
            problem = "Datoerne skal skrives som åååå-mm-dd. Perioden er sat til de seneste 12 måneder.";
        }
        else if (f is not null || t is not null)
        {
            var chosen = new StatisticsPeriod(f ?? period.From, t ?? today);
            if (chosen.From > chosen.To)
            {
                problem = "Fra-datoen ligger efter til-datoen. Perioden er sat til de seneste 12 måneder.";
            }
            else if (chosen.From < chosen.To.AddYears(-MaxYears))
            {
                problem = $"Perioden må højst være {MaxYears} år. Perioden er sat til de seneste 12 måneder.";
            }
            else
            {
                period = chosen;
            }
        }

        // A user limited to some mailboxes counts only those, whatever the address asks for.
        var allowed = user.Mailboxes(auth);
        var visible = mailboxes.Mailboxes.Select(m => m.Gln).Where(g => allowed.Count == 0 || allowed.Contains(g)).ToList();
        var chosenMailbox = mailbox is { Length: > 0 } && visible.Contains(mailbox, StringComparer.Ordinal) ? mailbox : null;
        IReadOnlyCollection<string> counted = chosenMailbox is not null ? [chosenMailbox] : allowed.Count == 0 ? [] : allowed;
        return new StatisticsRequest(period, chosenMailbox, counted, problem);
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool TryDate(string? text, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            date = parsed;
            return true;
        }

        return false;
    }
}
