using System.Security.Claims;
using MedComMailbox.Infrastructure.Administration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Web.Auth;

/// <summary>
/// Puts an administrator's mailbox limit in place of the identity provider's: when <c>user_mailboxes</c> has a row for
/// the signed-in user name (<c>preferred_username</c>), the mailbox claims are replaced by the row's, so every page that
/// asks <see cref="SignedInUsers.MayWorkIn"/> honours it without knowing where the limit came from.
/// </summary>
public sealed class MailboxLimitsTransformation(UserMailboxLimits limits, IOptions<AuthOptions> options) : IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        // Staff only: a citizen's principal has no user name (and must never get mailbox claims).
        if (principal.FindFirst(SignedInUsers.UserNameClaim)?.Value is not { Length: > 0 } userName)
        {
            return principal;
        }

        var limit = await limits.FindAsync(userName, CancellationToken.None);
        if (limit is null)
        {
            return principal;
        }

        // Authentication may run more than once per request: replacing (not adding) keeps this idempotent, and the
        // copy leaves the handler's principal as it was.
        var claimType = options.Value.Staff.MailboxClaim;
        var transformed = principal.Clone();
        foreach (var identity in transformed.Identities)
        {
            foreach (var claim in identity.FindAll(claimType).ToList())
            {
                identity.RemoveClaim(claim);
            }
        }

        if (transformed.Identity is ClaimsIdentity primary)
        {
            foreach (var gln in limit.Mailboxes)
            {
                primary.AddClaim(new Claim(claimType, gln, ClaimValueTypes.String, "medcommailbox-administration"));
            }
        }

        return transformed;
    }
}
