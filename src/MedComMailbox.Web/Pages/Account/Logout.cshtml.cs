using MedComMailbox.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Account;

/// <summary>Signs staff out (POST only; GET shows a button). With OpenID Connect the identity provider's session ends too.</summary>
public sealed class LogoutModel(IOptions<AuthOptions> options) : PageModel
{
    public void OnGet()
    {
    }

    public IActionResult OnPost()
    {
        var properties = new AuthenticationProperties { RedirectUri = "/logget-ud" };
        return options.Value.Staff.IsOpenIdConnect
            ? SignOut(properties, Schemes.Staff, Schemes.StaffOidc)
            : SignOut(properties, Schemes.Staff);
    }
}
