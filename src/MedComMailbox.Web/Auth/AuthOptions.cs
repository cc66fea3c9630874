namespace MedComMailbox.Web.Auth;

/// <summary>
/// Sign-in settings, section <c>Auth</c>. Staff sign in with OpenID Connect when <c>Auth:Staff:Authority</c> is set,
/// citizens (the consent page) with OpenID Connect (NemLog-in style) when <c>Auth:Citizen:Authority</c> is set. Without
/// an authority a development sign-in is mapped instead; with one, the development sign-in does not exist.
/// </summary>
public sealed class AuthOptions
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
