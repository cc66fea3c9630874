using MedComMailbox.Infrastructure.Administration;
using MedComMailbox.Infrastructure.Configuration;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using MedComMailbox.Web.Auth;
using MedComMailbox.Web.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.WebEncoders;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace MedComMailbox.Web;

/// <summary>
/// The staff and citizen pages: Razor Pages, two cookie schemes (staff, citizen) with OpenID Connect behind each when an
/// authority is configured, the role policies, and the development sign-ins when no authority is configured.
/// </summary>
public static class WebRegistration
{
    /// <summary>The pages of the development sign-ins: not mapped at all when the matching authority is configured.</summary>
    internal const string StaffDevelopmentSignInPage = "/Account/Login";
    internal const string CitizenDevelopmentSignInPage = "/Citizen/Login";
    internal const string DevelopmentFolder = "/Development";

    /// <summary>The addresses of the development pages (staff and citizen sign-in, the Digital Post stand-in's letters).</summary>
    private static readonly string[] DevelopmentPaths = ["/log-ind", "/borger/log-ind", "/udvikling"];

    private static readonly HashSet<string> AnonymousPages = new(StringComparer.Ordinal) { StaffDevelopmentSignInPage, "/Account/SignedOut", "/Error" };

    public static IServiceCollection AddMailboxWeb(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateSettings().ValidateOnStart();
        // Danish letters as letters in the HTML, not as numeric entities.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));

        services.AddMailboxEdge(configuration);
        services.AddOptions<Features.DigitalPost.StatusCallbackOptions>().BindConfiguration(Features.DigitalPost.StatusCallbackOptions.Section);
        services.AddOptions<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>().Configure<IHostEnvironment>((options, environment) =>
        {
            if (!environment.IsDevelopment())
            {
                // The development sign-ins and the Digital Post stand-in's letter viewer do not exist outside Development.
                options.Conventions.AddPageRouteModelConvention(StaffDevelopmentSignInPage, model => model.Selectors.Clear());
                options.Conventions.AddPageRouteModelConvention(CitizenDevelopmentSignInPage, model => model.Selectors.Clear());
                options.Conventions.AddFolderRouteModelConvention(DevelopmentFolder, model => model.Selectors.Clear());
            }
        });

        services.AddRazorPages(options =>
        {
            // Secure by default: every page needs a staff role, except the consent pages (a signed-in citizen) and the
            // sign-in pages. A new page is covered without anyone remembering to add an attribute.
            options.Conventions.AddFolderApplicationModelConvention("/", model =>
            {
                var path = model.ViewEnginePath;
                if (path.StartsWith("/Citizen/", StringComparison.Ordinal) || AnonymousPages.Contains(path))
                {
                    model.EndpointMetadata.Add(new AllowAnonymousAttribute());
                }
                else
                {
                    model.EndpointMetadata.Add(new AuthorizeAttribute(path.StartsWith("/Consent/", StringComparison.Ordinal) ? Policies.Citizen : Policies.Staff));
                }
            });
            options.Conventions.AuthorizeFolder("/Committee", Policies.Committee);
            options.Conventions.AuthorizeFolder("/Audit", Policies.Administrator);
            options.Conventions.AuthorizeFolder("/Administration", Policies.Administrator);
            if (auth.Staff.IsOpenIdConnect)
            {
                options.Conventions.AddPageRouteModelConvention(StaffDevelopmentSignInPage, model => model.Selectors.Clear());
            }

            if (auth.Citizen.IsOpenIdConnect)
            {
                options.Conventions.AddPageRouteModelConvention(CitizenDevelopmentSignInPage, model => model.Selectors.Clear());
            }
        });

        var authentication = services.AddAuthentication(options =>
        {
            options.DefaultScheme = Schemes.Staff;
            options.DefaultChallengeScheme = Schemes.Staff;
            options.DefaultForbidScheme = Schemes.Staff;
        });
        authentication.AddProviderSchemes();
        services.AddClientCertificateTls();

        authentication.AddCookie(Schemes.Staff, options =>
        {
            options.Cookie.Name = ".MedComMailbox.Staff";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/log-ind";
            options.LogoutPath = "/log-ud";
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.Events.OnRedirectToAccessDenied = Forbidden;
            options.Events.OnRedirectToLogin = context =>
            {
                // An API caller gets 401 (with a problem document from the status-code pages), not the sign-in page.
                if (IsApi(context.Request))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                }

                context.Response.Redirect(context.RedirectUri);
                return Task.CompletedTask;
            };
            if (auth.Staff.IsOpenIdConnect)
            {
                options.ForwardChallenge = Schemes.StaffOidc;
            }
        });

        authentication.AddCookie(Schemes.Citizen, options =>
        {
            options.Cookie.Name = ".MedComMailbox.Citizen";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/borger/log-ind";
            options.LogoutPath = "/borger/log-ud";
            // A citizen answers one consent request: a short session, no sliding.
            options.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            options.SlidingExpiration = false;
            options.Events.OnRedirectToAccessDenied = Forbidden;
            if (auth.Citizen.IsOpenIdConnect)
            {
                options.ForwardChallenge = Schemes.CitizenOidc;
            }
        });

        if (auth.Staff.IsOpenIdConnect)
        {
            authentication.AddOpenIdConnect(Schemes.StaffOidc, "Medarbejderlogin", options =>
            {
                var staff = auth.Staff;
                Common(options, staff.Authority!, staff.ClientId, staff.ClientSecret, Schemes.Staff, "/signin-oidc", "/signout-callback-oidc");
                options.Scope.Add("profile");
                options.TokenValidationParameters.NameClaimType = SignedInUsers.NameClaim;
                options.TokenValidationParameters.RoleClaimType = staff.RoleClaim;
                options.ClaimActions.MapJsonKey(staff.RoleClaim, staff.RoleClaim);
                options.ClaimActions.MapJsonKey(staff.MailboxClaim, staff.MailboxClaim);
                options.ClaimActions.MapUniqueJsonKey(SignedInUsers.NameClaim, SignedInUsers.NameClaim);
                options.ClaimActions.MapUniqueJsonKey(SignedInUsers.UserNameClaim, SignedInUsers.UserNameClaim);
                options.Events.OnRedirectToIdentityProvider = context =>
                {
                    if (IsApi(context.Request))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        context.HandleResponse();
                    }

                    return Task.CompletedTask;
                };
            });
        }

        if (auth.Citizen.IsOpenIdConnect)
        {
            authentication.AddOpenIdConnect(Schemes.CitizenOidc, "MitID", options =>
            {
                var citizen = auth.Citizen;
                Common(options, citizen.Authority!, citizen.ClientId, citizen.ClientSecret, Schemes.Citizen, "/signin-citizen", "/signout-callback-citizen");
                options.ClaimActions.MapUniqueJsonKey(citizen.CprClaim, citizen.CprClaim);
                options.Events.OnTicketReceived = context =>
                {
                    // The citizen cookie keeps the CPR number and nothing else the identity provider sent.
                    var cpr = context.Principal?.FindFirst(citizen.CprClaim)?.Value;
                    if (string.IsNullOrEmpty(cpr))
                    {
                        context.Fail("The sign-in carried no CPR number.");
                        return Task.CompletedTask;
                    }

                    context.Principal = CitizenPrincipal(cpr, citizen.CprClaim, "oidc");
                    return Task.CompletedTask;
                };
            });
        }

        // Administrators' mailbox limits replace the identity provider's mailbox claims on every request.
        services.AddMemoryCache();
        services.AddSingleton<UserMailboxLimits>();
        services.AddTransient<IClaimsTransformation, MailboxLimitsTransformation>();

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.AddAuthenticationSchemes(Schemes.Staff).RequireAuthenticatedUser()
                .RequireRole(StaffRoles.Operator, StaffRoles.Committee, StaffRoles.Administrator))
            .AddPolicy(Policies.Operator, p => p.AddAuthenticationSchemes(Schemes.Staff).RequireAuthenticatedUser()
                .RequireRole(StaffRoles.Operator, StaffRoles.Administrator))
            .AddPolicy(Policies.Committee, p => p.AddAuthenticationSchemes(Schemes.Staff).RequireAuthenticatedUser()
                .RequireRole(StaffRoles.Committee, StaffRoles.Administrator))
            .AddPolicy(Policies.Administrator, p => p.AddAuthenticationSchemes(Schemes.Staff).RequireAuthenticatedUser()
                .RequireRole(StaffRoles.Administrator))
            // The certificate handler's challenge answers 403, so the API key scheme comes last: its 401 is the answer.
            .AddPolicy(Policies.Provider, p => p.AddAuthenticationSchemes(ProviderAuthentication.CertificateScheme, ProviderAuthentication.ApiKeyScheme)
                .RequireClaim(ProviderAuthentication.ProviderClaim))
            .AddPolicy(Policies.StaffOrProvider, p => p.AddAuthenticationSchemes(ProviderAuthentication.CertificateScheme, Schemes.Staff, ProviderAuthentication.ApiKeyScheme)
                .RequireAssertion(c => c.User.HasClaim(x => x.Type == ProviderAuthentication.ProviderClaim)
                    || c.User.IsInRole(StaffRoles.Operator) || c.User.IsInRole(StaffRoles.Committee) || c.User.IsInRole(StaffRoles.Administrator)))
            .AddPolicy(Policies.Citizen, p => p.AddAuthenticationSchemes(Schemes.Citizen).RequireAuthenticatedUser()
                .RequireClaim(auth.Citizen.CprClaim));

        return services;
    }

    /// <summary>Static files (the style sheet), authentication, authorization and the pages.</summary>
    public static WebApplication MapMailboxWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            // The development sign-ins and the letter viewer answer 404 outside Development, before authentication can
            // send anyone to a sign-in for them (their routes are also removed by the page conventions above).
            app.Use((context, next) =>
            {
                var path = context.Request.Path;
                if (DevelopmentPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return next(context);
            });
        }

        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        return app;
    }

    /// <summary>A staff principal as the development sign-in issues it (claim types as the OpenID Connect sign-in has them).</summary>
    internal static ClaimsPrincipal StaffPrincipal(DevelopmentUser user, StaffAuthOptions options)
    {
        var identity = new ClaimsIdentity("development", SignedInUsers.NameClaim, options.RoleClaim);
        identity.AddClaim(new Claim("sub", user.UserName));
        identity.AddClaim(new Claim(SignedInUsers.UserNameClaim, user.UserName));
        identity.AddClaim(new Claim(SignedInUsers.NameClaim, string.IsNullOrWhiteSpace(user.Name) ? user.UserName : user.Name));
        foreach (var role in user.Roles)
        {
            identity.AddClaim(new Claim(options.RoleClaim, role));
        }

        foreach (var gln in user.Mailboxes)
        {
            identity.AddClaim(new Claim(options.MailboxClaim, gln));
        }

        return new ClaimsPrincipal(identity);
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    internal static ClaimsPrincipal CitizenPrincipal(string cpr, string cprClaim, string authenticationType) =>
        new(new ClaimsIdentity([new Claim(cprClaim, cpr)], authenticationType));

    private static void Common(OpenIdConnectOptions options, string authority, string? clientId, string? clientSecret, string signInScheme, string callback, string signedOutCallback)
    {
        options.Authority = authority;
        options.ClientId = clientId;
        options.ClientSecret = clientSecret;
        options.SignInScheme = signInScheme;
        options.CallbackPath = callback;
        options.SignedOutCallbackPath = signedOutCallback;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.UsePkce = true;
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = true;
        options.SaveTokens = false;
        options.RequireHttpsMetadata = authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task Forbidden(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>Ingen adgang</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head>" +
            "<body><main class=\"page\"><h1>Ingen adgang</h1><p>Du er logget ind, men din rolle giver ikke adgang til denne side.</p>" +
            "<p><a href=\"/start\">Til forsiden</a></p></main></body></html>");
    }
}
