using System.ComponentModel.DataAnnotations;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.MedCom.Identifiers;

namespace MedComMailbox.Web.Auth;

/// <summary>
/// Sign-in settings, section <c>Auth</c>. Staff sign in with OpenID Connect when <c>Auth:Staff:Authority</c> is set,
/// citizens (the consent page) with OpenID Connect (NemLog-in style) when <c>Auth:Citizen:Authority</c> is set. Without
/// an authority a development sign-in is mapped instead; with one, the development sign-in does not exist.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    public StaffAuthOptions Staff { get; set; } = new();

    public CitizenAuthOptions Citizen { get; set; } = new();

    /// <summary>The users the development sign-in offers (ignored when <c>Auth:Staff:Authority</c> is set).</summary>
    public List<DevelopmentUser> DevelopmentUsers { get; set; } = [];

    public IReadOnlyList<DevelopmentUser> EffectiveDevelopmentUsers() => DevelopmentUsers.Count > 0 ? DevelopmentUsers : DefaultDevelopmentUsers;

    public static readonly IReadOnlyList<DevelopmentUser> DefaultDevelopmentUsers =
    [
        new() { UserName = "sundhedsplejerske", Name = "Sundhedsplejerske (udvikling)", Roles = [StaffRoles.Operator] },
        new() { UserName = "udvalg", Name = "Udvalgsmedlem (udvikling)", Roles = [StaffRoles.Committee] },
        new() { UserName = "admin", Name = "Administrator (udvikling)", Roles = [StaffRoles.Administrator, StaffRoles.Operator, StaffRoles.Committee] },
    ];

    private static readonly HashSet<string> KnownRoles = [StaffRoles.Operator, StaffRoles.Committee, StaffRoles.Administrator];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Problems().Select(p => new ValidationResult(p));

    private IEnumerable<string> Problems()
    {
        if (Staff.IsOpenIdConnect)
        {
            // The metadata (keys, endpoints) comes from the authority: plain http would let anyone on the path sign in as anyone.
            if (SettingRules.HttpsUrl("Auth:Staff:Authority", Staff.Authority) is { } problem)
            {
                yield return problem;
            }

            if (string.IsNullOrWhiteSpace(Staff.ClientId))
            {
                yield return "Auth:Staff:ClientId is required when Auth:Staff:Authority is set (the client registered at the identity provider).";
            }

            if (string.IsNullOrWhiteSpace(Staff.RoleClaim))
            {
                yield return "Auth:Staff:RoleClaim is empty: it names the claim that carries operator, committee or administrator.";
            }
        }

        if (Citizen.IsOpenIdConnect)
        {
            if (SettingRules.HttpsUrl("Auth:Citizen:Authority", Citizen.Authority) is { } problem)
            {
                yield return problem;
            }

            if (string.IsNullOrWhiteSpace(Citizen.ClientId))
            {
                yield return "Auth:Citizen:ClientId is required when Auth:Citizen:Authority is set (the client registered at NemLog-in or the broker).";
            }
        }

        if (string.IsNullOrWhiteSpace(Citizen.CprClaim))
        {
            yield return "Auth:Citizen:CprClaim is empty: the consent page finds the citizen's CPR number in that claim.";
        }

        for (var i = 0; i < DevelopmentUsers.Count; i++)
        {
            var user = DevelopmentUsers[i];
            if (string.IsNullOrWhiteSpace(user.UserName))
            {
                yield return $"Auth:DevelopmentUsers:{i}:UserName is missing.";
            }

            foreach (var role in user.Roles.Where(r => !KnownRoles.Contains(r)))
            {
                yield return $"Auth:DevelopmentUsers:{i}:Roles has '{role}': use {StaffRoles.Operator}, {StaffRoles.Committee} or {StaffRoles.Administrator}.";
            }

            foreach (var gln in user.Mailboxes.Where(g => !MedComIdentifiers.IsValidGln(g)))
            {
                yield return $"Auth:DevelopmentUsers:{i}:Mailboxes has '{gln}', which is not a location number: 13 digits ending in the GS1 check digit.";
            }
        }
    }
}

public sealed class StaffAuthOptions
{
    /// <summary>The OpenID Connect issuer of the municipality's staff sign-in (e.g. Entra ID, KOMBIT Context Handler via a broker).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The claim that carries the roles operator, committee, administrator.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The claim that carries the location numbers (GLN) a user may work in; none = every mailbox.</summary>
    public string MailboxClaim { get; set; } = "mailboxes";

    public bool IsOpenIdConnect => !string.IsNullOrWhiteSpace(Authority);
}

public sealed class CitizenAuthOptions
{
    /// <summary>The OpenID Connect issuer of the citizen sign-in (MitID through NemLog-in or a broker).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The claim that carries the signed-in person's CPR number.</summary>
    public string CprClaim { get; set; } = "dk:gov:saml:attribute:CprNumberIdentifier";

    public bool IsOpenIdConnect => !string.IsNullOrWhiteSpace(Authority);
}

public sealed class DevelopmentUser
{
    public string UserName { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>operator, committee, administrator.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Location numbers (GLN) the user may work in; empty = every mailbox.</summary>
    public List<string> Mailboxes { get; set; } = [];
}

/// <summary>The role values in the role claim.</summary>
public static class StaffRoles
{
    public const string Operator = "operator";
    public const string Committee = "committee";
    public const string Administrator = "administrator";

    /// <summary>The role as staff read it.</summary>
    public static string DanishName(string role) => role switch
    {
        Operator => "operatør",
        Committee => "udvalgsmedlem",
        Administrator => "administrator",
        _ => role,
    };
}

/// <summary>The authorization policies of the pages.</summary>
public static class Policies
{
    /// <summary>Any staff role.</summary>
    public const string Staff = "Staff";
    /// <summary>Mailbox operator work (consent registration, closing, resending): operator or administrator.</summary>
    public const string Operator = "Operator";
    /// <summary>The committee's pages: committee or administrator.</summary>
    public const string Committee = "Committee";
    public const string Administrator = "Administrator";
    /// <summary>A VANS provider (API key or client certificate): the intake.</summary>
    public const string Provider = "Provider";
    /// <summary>A VANS provider or any staff role: validation and the message status.</summary>
    public const string StaffOrProvider = "StaffOrProvider";
    /// <summary>A citizen signed in through the citizen scheme (the consent page).</summary>
    public const string Citizen = "Citizen";
}

/// <summary>The authentication schemes. Staff and citizens never share a cookie.</summary>
public static class Schemes
{
    public const string Staff = "Staff";
    public const string StaffOidc = "StaffOidc";
    public const string Citizen = "Citizen";
    public const string CitizenOidc = "CitizenOidc";
}
