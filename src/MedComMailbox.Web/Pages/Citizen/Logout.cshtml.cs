using MedComMailbox.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MedComMailbox.Web.Pages.Citizen;

/// <summary>Ends the citizen session (the local cookie; the MitID session is the broker's).</summary>
public sealed class LogoutModel : PageModel
{
    public bool SignedOut { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(Schemes.Citizen);
        SignedOut = true;
        return Page();
    }
}
