using System.Globalization;
using MedComMailbox.Infrastructure.Intake;
using MedComMailbox.Infrastructure.MedComSending;
using MedComMailbox.Infrastructure.Reconciliation;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Operations;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Operations;

/// <summary>
/// Operations (Operator policy): failed Digital Post letters, rejected inbound messages, sent messages without an
/// acknowledgement, the health checks and the queues, each list with its button (send again, process again). Shows ids,
/// location numbers and codes only, never a name or CPR number, so it needs no audit entry. Post-redirect-get.
/// </summary>
[Authorize(Policy = Policies.Operator)]
public sealed class IndexModel(
    IOptions<AuthOptions> auth,
    OperationsQueries queries,
    ReconciliationSweep reconciliation,
    IOptions<ReconciliationOptions> reconciliationOptions,
    TimeProvider time,
    IServiceProvider services) : PageModel
{
    private const string MessageKey = "operations.message";
    private const string ErrorKey = "operations.error";
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(10);

    public OperationsOverview Overview { get; private set; } = null!;

    /// <summary>What the reconciliation counts as not carried through (counts only, every mailbox).</summary>
    public DriftReport Drift { get; private set; } = null!;

    public TimeSpan DriftAfter => reconciliationOptions.Value.After;

    public TimeSpan? DriftOldestAge => Drift.Oldest is { } oldest ? time.GetUtcNow() - oldest : null;

    /// <summary>The registered health checks' results; null when none are registered.</summary>
    public IReadOnlyList<HealthRow>? Health { get; private set; }

    public HealthStatus? OverallHealth { get; private set; }

    public string? Message { get; private set; }

    public bool MessageIsError { get; private set; }

    public sealed record HealthRow(string Name, HealthStatus Status, string Description, TimeSpan Duration, IReadOnlyList<string> Tags);

    /// <summary>Courses with a missed deadline and no reason, and stalled courses (ids only on this page).</summary>
    public IReadOnlyList<Workflow.Course.CourseAttention> Courses { get; private set; } = [];

    /// <summary>Letters to citizens exempt from Digital Post waiting in the print queue (a count: no names on this page).</summary>
    public int PrintWaiting { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Overview = await queries.OverviewAsync(User.Mailboxes(auth.Value), cancellationToken);
        Drift = await reconciliation.ReadAsync(cancellationToken);
        Courses = await services.GetRequiredService<Workflow.Course.CourseQueries>().NeedingAttentionAsync(User.Mailboxes(auth.Value), cancellationToken);
        PrintWaiting = await services.GetRequiredService<PrintQueueQueries>().CountAsync(User.Mailboxes(auth.Value), cancellationToken);
        if (services.GetService<HealthCheckService>() is { } health)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HealthTimeout);
            var report = await health.CheckHealthAsync(timeout.Token);
            OverallHealth = report.Status;
            Health = report.Entries
                .Select(e => new HealthRow(e.Key, e.Value.Status, Describe(e.Value), e.Value.Duration, e.Value.Tags.ToList()))
                .OrderBy(e => e.Status).ThenBy(e => e.Name, StringComparer.Ordinal)
                .ToList();
        }

        if (TempData[ErrorKey] is string error)
        {
            Message = error;
            MessageIsError = true;
        }
        else
        {
            Message = TempData[MessageKey] as string;
        }
    }

    public async Task<IActionResult> OnPostResendLetterAsync(Guid letterId, [FromServices] StaffCommands staff, CancellationToken cancellationToken)
    {
        var mailbox = await queries.FailedLetterMailboxAsync(letterId, cancellationToken);
        if (mailbox is null || !User.MayWorkIn(auth.Value, mailbox))
        {
            return Done(false, "Brevet findes ikke længere blandt de fejlede breve.");
        }

        var done = await staff.ResendLetterAsync(letterId, User.StaffName(), cancellationToken);
        return Done(done, done ? "Brevet sendes igen til Digital Post." : "Brevet kunne ikke sendes igen. Prøv at genindlæse siden.");
    }

    public async Task<IActionResult> OnPostReprocessAsync(Guid messageId, [FromServices] IntakeService intake, CancellationToken cancellationToken)
    {
        var (found, mailbox) = await queries.MessageMailboxAsync(messageId, MessageDirection.In, [MessageStatus.Rejected], cancellationToken);
        // A message for a receiver we did not know belongs to no mailbox: any operator may process it again.
        if (!found || (mailbox is not null && !User.MayWorkIn(auth.Value, mailbox)))
        {
            return Done(false, "Beskeden findes ikke længere blandt de afviste beskeder.");
        }

        var result = await intake.ReprocessAsync(messageId, cancellationToken);
        return result?.Outcome switch
        {
            IntakeOutcome.Accepted => Done(true, "Beskeden er behandlet igen og modtaget. Afsenderen får en positiv kvittering, og beskeden lægges i indbakken."),
            IntakeOutcome.Rejected => Done(false, "Beskeden er stadig ugyldig: " +
                string.Join("; ", result.Issues.Where(i => i.IsBlocking).Select(i => i.TextDa).Distinct()) + ". Der er ikke sendt en ny kvittering."),
            _ => Done(false, "Beskeden kunne ikke behandles igen. Prøv at genindlæse siden."),
        };
    }

    public async Task<IActionResult> OnPostResendMessageAsync(Guid messageId, [FromServices] OutboundMessages outbound, CancellationToken cancellationToken)
    {
        var (found, mailbox) = await queries.MessageMailboxAsync(messageId, MessageDirection.Out, [MessageStatus.Sent, MessageStatus.Flagged, MessageStatus.Failed], cancellationToken);
        if (!found || (mailbox is not null && !User.MayWorkIn(auth.Value, mailbox)))
        {
            return Done(false, "Beskeden venter ikke længere på en kvittering.");
        }

        var done = await outbound.ResendAsync(messageId, cancellationToken);
        return Done(done, done ? "Beskeden sendes igen med en ny kuvert." : "Beskeden kunne ikke sendes igen. Prøv at genindlæse siden.");
    }

    public static string HealthText(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "I orden",
        HealthStatus.Degraded => "Nedsat",
        _ => "Fejl",
    };

    public static string HealthClass(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "ok",
        HealthStatus.Degraded => "warn",
        _ => "bad",
    };

    public static string OutboundStatus(string status) => status switch
    {
        MessageStatus.Sent => "Sendt, ingen kvittering endnu",
        MessageStatus.Flagged => "Ingen kvittering efter sidste genfremsendelse",
        MessageStatus.Failed => "Afvist af modtageren (negativ kvittering)",
        _ => status,
    };

    public static string OutboundStatusClass(string status) => status == MessageStatus.Sent ? "warn" : "bad";

    /// <summary>A duration as staff read it: "45 sek.", "12 min.", "3 t. 5 min.", "2 dage 4 t.".</summary>
    public static string Age(TimeSpan? age) => age switch
    {
        null => "–",
        { TotalMinutes: < 1 } a => $"{Math.Max(0, (int)a.TotalSeconds)} sek.",
        { TotalHours: < 1 } a => $"{(int)a.TotalMinutes} min.",
        { TotalDays: < 1 } a => $"{(int)a.TotalHours} t. {a.Minutes} min.",
        { } a => $"{(int)a.TotalDays} {((int)a.TotalDays == 1 ? "dag" : "dage")} {a.Hours} t.",
    };

    public static string LetterKind(string kind) =>
        Enum.TryParse<Core.Letters.LetterKind>(kind, out var k) ? Display.Letter(k) : kind;

    public static string PartyRole(string role) =>
        Enum.TryParse<Core.Referrals.PartyRole>(role, out var r) ? Display.Role(r) : role;

    // A check that threw has the exception's message as its description, and a driver's message can quote data: show
    // only the exception's type, the log has the rest.
    private static string Describe(HealthReportEntry entry) =>
        entry.Exception is { } e ? $"Kontrollen fejlede ({e.GetType().Name})." : entry.Description ?? "";

    private RedirectToPageResult Done(bool ok, string message)
    {
        TempData[ok ? MessageKey : ErrorKey] = message;
        return RedirectToPage();
    }

    internal static string Milliseconds(TimeSpan duration) => duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
