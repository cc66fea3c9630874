using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedComMailbox.Web.Pages.Development;

/// <summary>One development letter with its raw MeMo XML.</summary>
public sealed class LetterModel(IServiceProvider services) : PageModel
{
    public DevelopmentLetter? Letter { get; private set; }

    public IActionResult OnGet(Guid id)
    {
        Letter = services.GetService<IDevelopmentLetterBox>()?.Find(id);
        return Letter is null ? NotFound() : Page();
    }
}
