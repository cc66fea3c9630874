using MedComMailbox.Core.People;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Citizen;

/// <summary>
/// The development citizen sign-in: only mapped when no citizen authority is configured. The CPR number is posted in
/// the body and kept in the citizen cookie's claim; it never appears in an address.
/// </summary>
public sealed class LoginModel(IOptions<AuthOptions> options, IServiceProvider services) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public bool AddresseeKnown => AddresseeCpr() is not null;

    public IActionResult OnGet() => options.Value.Citizen.IsOpenIdConnect ? NotFound() : Page();

    public Task<IActionResult> OnPostAsync(string? cpr)
    {
        var digits = new string((cpr ?? "").Where(char.IsAsciiDigit).ToArray());
        if (!CprNumber.TryParse(digits, out var parsed))
        {
            Error = "Skriv et gyldigt CPR-nummer med 10 cifre.";
            return Task.FromResult<IActionResult>(Page());
        }

        return SignInAsync(parsed.Value.Value);
    }

    public Task<IActionResult> OnPostAddresseeAsync()
    {
        if (AddresseeCpr() is not { } cpr)
        {
            Error = "Modtageren af linket kunne ikke findes. Skriv et CPR-nummer.";
            return Task.FromResult<IActionResult>(Page());
        }

        return SignInAsync(cpr);
    }

    private async Task<IActionResult> SignInAsync(string cpr)
    {
        if (options.Value.Citizen.IsOpenIdConnect)
        {
            return NotFound();
        }

        await HttpContext.SignInAsync(Schemes.Citizen, WebRegistration.CitizenPrincipal(cpr, options.Value.Citizen.CprClaim, "development"));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/borger/log-ind");
    }

    /// <summary>The recipient of the development letter whose action links to the consent page in the return address.</summary>
    private string? AddresseeCpr()
    {
        if (options.Value.Citizen.IsOpenIdConnect || services.GetService<IDevelopmentLetterBox>() is not { } box ||
            ReturnUrl is null || !Url.IsLocalUrl(ReturnUrl))
        {
            return null;
        }

        var path = ReturnUrl.Split('?', '#')[0].TrimEnd('/');
        const string prefix = "/samtykke/";
        if (!path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || path.Length == prefix.Length)
        {
            return null;
        }

        return box.List()
            .FirstOrDefault(l => l.Actions.Any(a => a.Url.AbsolutePath.TrimEnd('/').EndsWith(path, StringComparison.Ordinal)))
            ?.RecipientCpr;
    }
}
