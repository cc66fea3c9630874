using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;

namespace MedComMailbox.Web.Http;

/// <summary>Settings of section <c>ForwardedHeaders</c>: the reverse proxies that terminate TLS in front of the mailbox.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>IP addresses of trusted proxies (loopback is always trusted).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. 10.0.0.0/8.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// What every request passes first: the forwarded headers of a configured proxy (so the request is https behind TLS
/// termination: cookies get <c>Secure</c>, the OpenID Connect redirect is https, HSTS is sent), then the security
/// headers on every response (NetEscapades.AspNetCore.SecurityHeaders). Also the Data Protection keys, persisted to
/// <c>DataProtection:KeysFolder</c> so sign-in cookies and antiforgery tokens survive a restart.
/// </summary>
public static class MailboxEdge
{
    public const string KeysFolderKey = "DataProtection:KeysFolder";

    public static IServiceCollection AddMailboxEdge(this IServiceCollection services, IConfiguration configuration)
    {
        var forwarded = configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new ForwardedHeadersSettings();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in forwarded.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in forwarded.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        var protection = services.AddDataProtection().SetApplicationName("MedComMailbox");
        if (configuration[KeysFolderKey] is { Length: > 0 } folder)
        {
            protection.PersistKeysToFileSystem(Directory.CreateDirectory(Path.GetFullPath(folder)));
        }

        return services;
    }

    public static WebApplication UseMailboxEdge(this WebApplication app)
    {
        app.UseForwardedHeaders();
        var policies = new HeaderPolicyCollection()
            .AddDefaultSecurityHeaders()
            .AddContentTypeOptionsNoSniff()
            .AddFrameOptionsDeny()
            .AddReferrerPolicyNoReferrer()
            .AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                csp.AddStyleSrc().Self();
                csp.AddImgSrc().Self().Data();
                csp.AddScriptSrc().None();
                csp.AddObjectSrc().None();
                csp.AddFormAction().Self();
                csp.AddBaseUri().None();
                csp.AddFrameAncestors().None();
            });
        if (!app.Environment.IsDevelopment())
        {
            // Sent on https requests only (the library's rule): two years, with subdomains.
            policies.AddStrictTransportSecurityMaxAgeIncludeSubDomains(maxAgeInSeconds: 2 * 365 * 24 * 60 * 60);
        }

        app.UseSecurityHeaders(policies);
        return app;
    }
}
