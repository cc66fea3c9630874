using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedComMailbox.Web.Pages.Development;

/// <summary>The local letter viewer: only when the development stand-in of Digital Post is registered, otherwise 404.</summary>
public sealed class DigitalPostModel(IServiceProvider services) : PageModel
{
    public IReadOnlyList<DevelopmentLetter> Letters { get; private set; } = [];

    public IActionResult OnGet()
    {
        if (services.GetService<IDevelopmentLetterBox>() is not { } box)
        {
            return NotFound();
        }

        Letters = box.List();
        return Page();
    }
}
