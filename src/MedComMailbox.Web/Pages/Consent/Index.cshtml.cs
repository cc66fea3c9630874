using MedComMailbox.Web.Auth;
using MedComMailbox.Workflow.Referrals;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Pages.Consent;

/// <summary>
/// The consent page behind the link in the Digital Post letter. Only a signed-in citizen reaches it (the Citizen policy
/// sends everyone else to the citizen sign-in first); the answer is recorded with the CPR number from the sign-in.
/// </summary>
public sealed class IndexModel(ConsentCommands consent, IOptions<WorkflowOptions> workflowOptions, IOptions<AuthOptions> authOptions) : PageModel
{
    public const string OutcomeKey = "consent.outcome";
    public const string GiveKey = "consent.give";

    public ConsentInvitation? Invitation { get; private set; }

    public string Municipality => workflowOptions.Value.Municipality;

    public string Committee => workflowOptions.Value.Committee;

    public string ValidityText
    {
        get
        {
            var validity = Invitation?.MaxValidity ?? workflowOptions.Value.Consent.MaxValidity;
            return validity.TotalDays >= 364 ? "ét år" : $"{Math.Round(validity.TotalDays)} dage";
        }
    }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken)
    {
        // The child's name, the recipient and the GP only for the letter's addressee: anyone else signed in (a partner
        // reading over a shoulder, a forwarded link) gets the same neutral page as for an unknown link.
        var invitation = await consent.FindInvitationAsync(token, cancellationToken);
        Invitation = invitation is not null && IsAddressee(User.CitizenCpr(authOptions.Value), invitation.PartyId) ? invitation : null;
        if (Invitation is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }

    /// <summary>The signed-in CPR number equals the party's (digits only, as the party ids are stored).</summary>
    internal static bool IsAddressee(string? signedInCpr, string partyId) =>
        signedInCpr is not null && string.Equals(new string(signedInCpr.Where(char.IsAsciiDigit).ToArray()), partyId, StringComparison.Ordinal);

    public async Task<IActionResult> OnPostAsync(string token, bool give, CancellationToken cancellationToken)
    {
        if (User.CitizenCpr(authOptions.Value) is not { } cpr)
        {
            return Challenge(Schemes.Citizen);
        }

        var outcome = await consent.AnswerByTokenAsync(token, cpr, give, cancellationToken);
        TempData[OutcomeKey] = outcome.ToString();
        TempData[GiveKey] = give;
        return RedirectToPage("/Consent/Answered");
    }
}
