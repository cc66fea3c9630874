using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.MedCom;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Inbox;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Inbox;

/// <summary>
/// The inbox: new, unhandled or all messages of the user's mailboxes, filtered by mailbox, type, state and date (query
/// string: no personal data), searched by CPR number or name (POST only, so the term never lands in a URL or an access
/// log; every search is audited), marked handled one by one or many at once.
/// </summary>
[Authorize(Policy = Policies.Operator)]
public sealed class IndexModel(InboxQueries queries, InboxCommands commands, AuditLog audit, IOptions<AuthOptions> authOptions, IOptions<MailboxOptions> mailboxOptions) : PageModel
{
    private const string MessageKey = "inbox.message";

    [BindProperty(SupportsGet = true, Name = "visning")]
    public string? View { get; set; }

    [BindProperty(SupportsGet = true, Name = "postkasse")]
    public string? Mailbox { get; set; }

    [BindProperty(SupportsGet = true, Name = "type")]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true, Name = "status")]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true, Name = "fra")]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "til")]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "tildelt")]
    public string? AssignedTo { get; set; }

    [BindProperty(SupportsGet = true, Name = "efter")]
    public string? After { get; set; }

    /// <summary>CPR number or name: bound from the POSTed form only.</summary>
    [BindProperty(Name = "soeg")]
    public string? Search { get; set; }

    public InboxPage Items { get; private set; } = new([], null);

    public InboxCounts Counts { get; private set; } = new(new Dictionary<string, long>(), new Dictionary<string, long>());

    public IReadOnlyList<MailboxIdentity> Mailboxes { get; private set; } = [];

    public string? Message { get; private set; }

    public bool IsSearch => !string.IsNullOrWhiteSpace(Search);

    public InboxView CurrentView => View switch
    {
        "nye" => InboxView.New,
        "alle" => InboxView.All,
        _ => InboxView.Unhandled,
    };

    public string MailboxName(string gln) => Mailboxes.FirstOrDefault(m => m.Gln == gln)?.Name ?? gln;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Message = TempData[MessageKey] as string;
        await LoadAsync(null, cancellationToken);
        await audit.RecordAsync(new AuditEntry(User.StaffName(), AuditActions.ViewInbox, "Arbejde i indbakken", TargetKind: "inbox"), cancellationToken);
    }

    /// <summary>A search by CPR number or name: POST, audited with the person searched for (or each person found by name).</summary>
    public async Task<IActionResult> OnPostSearchAsync(CancellationToken cancellationToken)
    {
        if (!IsSearch)
        {
            return RedirectToPage(Filters());
        }

        await LoadAsync(Search, cancellationToken);
        var term = SearchTerm.Parse(Search)!;
        var user = User.StaffName();
        var entries = term.Cpr is not null
            ? [new AuditEntry(user, AuditActions.Search, "Søgning i indbakken på CPR-nummer", term.Cpr, "inbox")]
            : Items.Rows.Select(r => r.PatientCpr).Distinct(StringComparer.Ordinal)
                .Select(cpr => new AuditEntry(user, AuditActions.Search, "Søgning i indbakken på navn", cpr, "inbox")).ToList();
        await audit.RecordAsync(entries.Count == 0 ? [new AuditEntry(user, AuditActions.Search, "Søgning i indbakken på navn (intet fundet)", null, "inbox")] : entries, cancellationToken);
        return Page();
    }

    /// <summary>Marks the ticked items handled (or unhandled again) and returns to the same list.</summary>
    public async Task<IActionResult> OnPostHandledAsync([FromForm(Name = "valgt")] List<Guid> selected, [FromForm(Name = "behandlet")] bool handled, CancellationToken cancellationToken)
    {
        var changed = await commands.SetHandledAsync(selected, handled, User.Actor(authOptions.Value), cancellationToken);
        TempData[MessageKey] = selected.Count == 0
            ? "Vælg en eller flere beskeder."
            : handled ? $"{changed} {(changed == 1 ? "besked" : "beskeder")} markeret som behandlet." : $"{changed} {(changed == 1 ? "besked" : "beskeder")} markeret som ubehandlet.";
        return RedirectToPage(Filters());
    }

    /// <summary>The current filters as route values (no personal data), for links and redirects.</summary>
    public Dictionary<string, string> Filters(string? after = null, string? view = null) => new Dictionary<string, string?>
    {
        ["visning"] = view ?? View,
        ["postkasse"] = Mailbox,
        ["type"] = Kind,
        ["status"] = State,
        ["fra"] = From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["til"] = To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["tildelt"] = AssignedTo,
        ["efter"] = after,
    }.Where(p => !string.IsNullOrEmpty(p.Value)).ToDictionary(p => p.Key, p => p.Value!);

    public string ListUrl(string? view = null, string? after = null, string? handler = null)
    {
        var query = Filters(after, view);
        if (handler is not null)
        {
            query["handler"] = handler;
        }

        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/indbakke", query!);
    }

    private async Task LoadAsync(string? search, CancellationToken cancellationToken)
    {
        var allowed = User.Mailboxes(authOptions.Value);
        Mailboxes = mailboxOptions.Value.Identities.Where(m => allowed.Count == 0 || allowed.Contains(m.Gln)).ToList();
        var filter = new InboxFilter(
            CurrentView,
            Mailbox,
            Kind,
            State is "new" or "read" or "done" ? State : null,
            From,
            To,
            AssignedTo == "mig" ? User.StaffName() : AssignedTo,
            search,
            InboxCursor.Parse(After));
        Items = await queries.ListAsync(filter, allowed, cancellationToken);
        Counts = await queries.CountsAsync(allowed, cancellationToken);
    }
}
