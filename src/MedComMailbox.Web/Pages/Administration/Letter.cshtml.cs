using MedComMailbox.Core.Letters;
using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedComMailbox.Web.Pages.Administration;

/// <summary>
/// Edits one letter template. A save is checked with Core's placeholder rules (an unknown field is refused and named);
/// "revert" removes the edit so the configured text applies again. Both are audited by <see cref="LetterTemplates"/>.
/// </summary>
public sealed class LetterModel(LetterTemplates templates) : PageModel
{
    public LetterKind Kind { get; private set; }

    public LetterTemplateView Current { get; private set; } = null!;

    public LetterTemplateView Configured { get; private set; } = null!;

    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public string? Text { get; set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string kind, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(kind, cancellationToken))
        {
            return NotFound();
        }

        Title = Current.Title;
        Text = Current.Text;
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string kind, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(kind, cancellationToken))
        {
            return NotFound();
        }

        Errors = await templates.SaveAsync(Kind, Title, Text, User.StaffName(), cancellationToken);
        if (Errors.Count > 0)
        {
            return Page();
        }

        TempData[LettersModel.MessageKey] = $"Skabelonen \"{Display.Letter(Kind)}\" er gemt og bruges i de næste breve.";
        return RedirectToPage("/Administration/Letters");
    }

    public async Task<IActionResult> OnPostRevertAsync(string kind, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(kind, cancellationToken))
        {
            return NotFound();
        }

        var reverted = await templates.RevertAsync(Kind, User.StaffName(), cancellationToken);
        TempData[LettersModel.MessageKey] = reverted
            ? $"\"{Display.Letter(Kind)}\" bruger igen teksten fra {(Configured.Source == LetterTemplateSource.Configuration ? "konfigurationen" : "standardteksten")}."
            : $"\"{Display.Letter(Kind)}\" var ikke ændret.";
        return RedirectToPage("/Administration/Letters");
    }

    private async Task<bool> LoadAsync(string kind, CancellationToken cancellationToken)
    {
        // Only the names of the enum: a number ("3") would parse too, and the address should name the letter.
        if (!Enum.TryParse<LetterKind>(kind, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || kind.Any(char.IsAsciiDigit))
        {
            return false;
        }

        Kind = parsed;
        Current = (await templates.ListAsync(cancellationToken)).Single(t => t.Kind == parsed);
        Configured = templates.Configured(parsed);
        return true;
    }
}
