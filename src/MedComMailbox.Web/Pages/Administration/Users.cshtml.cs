using MedComMailbox.Infrastructure.Administration;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Administration;

/// <summary>
/// Users' mailbox limits (table <c>user_mailboxes</c>): a row replaces the identity provider's mailbox claim for that
/// user name on their next request (see <see cref="MailboxLimitsTransformation"/>). Only configured mailboxes can be chosen.
/// </summary>
public sealed class UsersModel(UserMailboxLimits limits, IOptions<MailboxOptions> mailboxOptions) : PageModel
{
    private const string MessageKey = "users.message";

    public const string ScopeAll = "all";
    public const string ScopeSome = "some";

    public IReadOnlyList<MailboxEntry> Configured => mailboxOptions.Value.Mailboxes;

    public IReadOnlyList<UserMailboxLimit> Limits { get; private set; } = [];

    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string Scope { get; set; } = ScopeSome;

    [BindProperty]
    public List<string> Mailboxes { get; set; } = [];

    public List<string> Errors { get; } = [];

    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Message = TempData[MessageKey] as string;
    }

    /// <summary>Fills the form with one user's row. A POST, so no user name ends up in an address or an access log.</summary>
    public async Task OnPostEditAsync(string? editUser, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        ModelState.Clear();
        if (!string.IsNullOrWhiteSpace(editUser) && await limits.FindAsync(editUser, cancellationToken) is { } limit)
        {
            UserName = limit.UserName;
            Scope = limit.Mailboxes.Count == 0 ? ScopeAll : ScopeSome;
            Mailboxes = [.. limit.Mailboxes];
        }
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        var userName = UserName?.Trim() ?? "";
        if (userName.Length == 0)
        {
            Errors.Add("Skriv brugernavnet, som medarbejderen logger ind med.");
        }
        else if (userName.Length > 200 || userName.Any(char.IsWhiteSpace))
        {
            Errors.Add("Brugernavnet må højst have 200 tegn og ingen mellemrum.");
        }

        var configured = Configured.Select(m => m.Gln).ToHashSet(StringComparer.Ordinal);
        var unknown = Mailboxes.Where(m => !configured.Contains(m)).ToList();
        if (Scope is not (ScopeAll or ScopeSome))
        {
            Errors.Add("Vælg, om brugeren må arbejde i alle postkasser eller kun i de valgte.");
        }
        else if (unknown.Count > 0)
        {
            Errors.Add($"Ukendt postkasse: {string.Join(", ", unknown)}. Vælg blandt de konfigurerede postkasser.");
        }
        else if (Scope == ScopeSome && Mailboxes.Count == 0)
        {
            Errors.Add("Vælg mindst én postkasse, eller vælg \"Alle postkasser\".");
        }

        if (Errors.Count > 0)
        {
            await LoadAsync(cancellationToken);
            return Page();
        }

        await limits.SaveAsync(userName, Scope == ScopeAll ? [] : Mailboxes, User.StaffName(), cancellationToken);
        TempData[MessageKey] = $"Postkasserne for {UserMailboxLimits.Normalise(userName)} er gemt. De gælder fra brugerens næste sidevisning.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? removeUser, CancellationToken cancellationToken)
    {
        var removed = !string.IsNullOrWhiteSpace(removeUser) && await limits.RemoveAsync(removeUser, User.StaffName(), cancellationToken);
        TempData[MessageKey] = removed
            ? $"Begrænsningen for {UserMailboxLimits.Normalise(removeUser!)} er fjernet. Brugeren får igen postkasserne fra login."
            : "Der var ingen begrænsning at fjerne.";
        return RedirectToPage();
    }

    public string MailboxName(string gln) => Configured.FirstOrDefault(m => m.Gln == gln)?.Name ?? $"{gln} (ikke længere konfigureret)";

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Limits = (await limits.AllAsync(cancellationToken)).Values.OrderBy(l => l.UserName, StringComparer.Ordinal).ToList();
}
