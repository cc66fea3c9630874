using System.Security.Claims;

namespace MedComMailbox.Web.Auth;

/// <summary>Reads the signed-in staff member and citizen from their claims.</summary>
public static class SignedInUsers
{
    /// <summary>The claim type the development sign-in and the OpenID Connect handler use for the display name.</summary>
    public const string NameClaim = "name";

    public const string UserNameClaim = "preferred_username";

    /// <summary>The name the audit fields get: the display name, else the user name, else the subject.</summary>
    public static string StaffName(this ClaimsPrincipal user) =>
        First(user, NameClaim) ?? First(user, UserNameClaim) ?? First(user, ClaimTypes.Name) ?? First(user, "sub") ?? "ukendt";

    /// <summary>The location numbers the user may work in; empty = every mailbox.</summary>
    public static IReadOnlySet<string> Mailboxes(this ClaimsPrincipal user, AuthOptions options) =>
        user.FindAll(options.Staff.MailboxClaim)
            .SelectMany(c => c.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);

    public static bool MayWorkIn(this ClaimsPrincipal user, AuthOptions options, string mailboxGln)
    {
        var allowed = user.Mailboxes(options);
        return allowed.Count == 0 || allowed.Contains(mailboxGln);
    }

    /// <summary>The CPR number of the signed-in citizen (from the citizen cookie only), or null.</summary>
    public static string? CitizenCpr(this ClaimsPrincipal citizen, AuthOptions options) =>
        citizen.Identity?.IsAuthenticated == true ? First(citizen, options.Citizen.CprClaim) : null;

    private static string? First(ClaimsPrincipal user, string type) =>
        user.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;
}
