using MedComMailbox.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Account;

/// <summary>The development sign-in: only mapped when no staff authority is configured (see <see cref="WebRegistration"/>).</summary>
public sealed class LoginModel(IOptions<AuthOptions> options) : PageModel
{
    public IReadOnlyList<DevelopmentUser> Users => options.Value.EffectiveDevelopmentUsers();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public IActionResult OnGet() => options.Value.Staff.IsOpenIdConnect ? NotFound() : Page();

    public async Task<IActionResult> OnPostAsync(string? userName)
    {
        if (options.Value.Staff.IsOpenIdConnect)
        {
            return NotFound();
        }

        var user = Users.FirstOrDefault(u => string.Equals(u.UserName, userName, StringComparison.Ordinal));
        if (user is null)
        {
            Error = "Vælg en af brugerne.";
            return Page();
        }

        await HttpContext.SignInAsync(Schemes.Staff, WebRegistration.StaffPrincipal(user, options.Value.Staff));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/start");
    }
}
