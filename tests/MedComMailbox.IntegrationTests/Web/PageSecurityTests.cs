using System.Net;
using MedComMailbox.IntegrationTests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>
/// Who may reach what: every endpoint the app maps refuses an anonymous caller unless it is on the allow-list below,
/// roles are enforced, staff and citizen sessions never stand in for each other, and every form is protected against
/// cross-site request forgery. None of this needs the workflow's implementation.
/// </summary>
public sealed class PageSecurityTests(MailboxApp.Shared factory) : IClassFixture<MailboxApp.Shared>
{
    private enum Expect
    {
        /// <summary>Answers anonymous callers by design.</summary>
        Anonymous,
        /// <summary>Reachable without a staff session, but sends the caller to the citizen sign-in before showing anything.</summary>
        CitizenSignIn,
    }

    private sealed record Allowed(string Method, string Pattern, Expect Expect, string Reason, bool Optional = false);

    /// <summary>The endpoints an anonymous caller may reach, each with its reason. Anything else must refuse.</summary>
    private static readonly Allowed[] AllowList =
    [
        new("GET", "/log-ind", Expect.Anonymous, "Development staff sign-in (only mapped without Auth:Staff:Authority): lists test users, no data."),
        new("POST", "/log-ind", Expect.Anonymous, "Development staff sign-in: the form post that signs in."),
        new("GET", "/logget-ud", Expect.Anonymous, "The 'you are signed out' page after staff sign-out: static text."),
        new("POST", "/logget-ud", Expect.Anonymous, "Same page (Razor Pages map every method); it has no post handler."),
        new("GET", "/borger/log-ind", Expect.Anonymous, "Development citizen sign-in (only mapped without Auth:Citizen:Authority)."),
        new("POST", "/borger/log-ind", Expect.Anonymous, "Development citizen sign-in: the form post that signs in."),
        new("GET", "/borger/log-ud", Expect.Anonymous, "Citizen sign-out: shows a button; ending a session needs no session."),
        new("POST", "/borger/log-ud", Expect.Anonymous, "Citizen sign-out (antiforgery protected)."),
        new("GET", "/samtykke/{token}", Expect.CitizenSignIn, "The consent link in the Digital Post letter: sends the person to the citizen sign-in first."),
        new("POST", "/samtykke/{token}", Expect.CitizenSignIn, "The consent answer: only with a citizen session."),
        new("GET", "/samtykke/kvittering", Expect.CitizenSignIn, "The consent result page: only with a citizen session."),
        new("POST", "/samtykke/kvittering", Expect.CitizenSignIn, "Same page, every method."),
        new("GET", "/health/live", Expect.Anonymous, "Liveness probe for the orchestrator: no data."),
        new("GET", "/health/ready", Expect.Anonymous, "Readiness probe for the orchestrator: no data."),
        new("POST", "/health/live", Expect.Anonymous, "Health checks answer every method: same probe, no data."),
        new("POST", "/health/ready", Expect.Anonymous, "Health checks answer every method: same probe, no data."),
        new("GET", "/health/external", Expect.Anonymous, "CPR and Digital Post reachability and certificate expiry for monitoring: statuses only. Optional until Program.cs calls MapMailboxHealth().", Optional: true),
        new("POST", "/health/external", Expect.Anonymous, "Health checks answer every method: same probe, no data.", Optional: true),
        new("POST", "/api/intake", Expect.Anonymous, "MedCom intake: machine-to-machine from VANS/the sender; protected at the network edge (mutual TLS), not by a sign-in."),
        new("GET", "/api/messages/{id:guid}", Expect.Anonymous, "Intake status for the sending system (machine-to-machine); shows no patient data."),
        new("POST", "/api/validate", Expect.Anonymous, "Validation API: stateless receiver verdict for senders testing their messages; stores nothing, echoes no CPR."),
        new("GET", "/", Expect.Anonymous, "Service description (JSON): public location numbers and endpoint list, no personal data."),
        new("POST", "/api/digitalpost/status", Expect.Anonymous,
            "Digital Post status callback (PKO_PostStatus) from Serviceplatformen: machine-to-machine. Optional until mapped; rename when the route is known.",
            Optional: true),
    ];

    [Fact]
    public async Task Every_endpoint_refuses_an_anonymous_caller_unless_allow_listed()
    {
        using var client = PageClient.Anonymous(factory);
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        var problems = new List<string>();
        var seen = new HashSet<(string, string)>();

        foreach (var endpoint in endpoints)
        {
            var pattern = Normalise(endpoint.RoutePattern.RawText);
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } declared ? declared : ["GET", "POST"];
            foreach (var method in methods)
            {
                seen.Add((method, pattern));
                var allowed = AllowList.FirstOrDefault(a => a.Method == method && a.Pattern == pattern);
                if (allowed is { Expect: Expect.Anonymous })
                {
                    continue;
                }

                var path = Concrete(endpoint.RoutePattern);
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method == "POST")
                {
                    request.Content = new FormUrlEncodedContent([]);
                }

                using var response = await client.Http.SendAsync(request);
                var location = PageClient.Location(response);
                var verdict = allowed is { Expect: Expect.CitizenSignIn }
                    ? response.StatusCode == HttpStatusCode.Redirect && location.StartsWith("/borger/log-ind", StringComparison.Ordinal)
                    : response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ||
                      (response.StatusCode == HttpStatusCode.Redirect && location.StartsWith("/log-ind", StringComparison.Ordinal));
                if (!verdict)
                {
                    problems.Add($"{method} {pattern} ({path}) answered {(int)response.StatusCode} {location}");
                }
            }
        }

        Assert.True(problems.Count == 0, "Reachable without sign-in and not on the allow-list:\n" + string.Join("\n", problems));
        var stale = AllowList.Where(a => !a.Optional && !seen.Contains((a.Method, a.Pattern))).Select(a => $"{a.Method} {a.Pattern}").ToList();
        Assert.True(stale.Count == 0, "Allow-list entries that match no endpoint (remove them):\n" + string.Join("\n", stale));
    }

    /// <summary>The seeded development users and the policies each satisfies.</summary>
    private static readonly (string User, string[] Policies)[] Users =
    [
        ("sundhedsplejerske", ["Staff", "Operator"]),
        ("udvalg", ["Staff", "Committee"]),
        ("admin", ["Staff", "Operator", "Committee", "Administrator"]),
    ];

    [Fact]
    public async Task Every_endpoint_with_a_role_policy_refuses_a_signed_in_user_without_that_role()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var problems = new List<string>();
        var checkedCount = 0;
        foreach (var (user, held) in Users)
        {
            using var client = await PageClient.StaffAsync(factory, user);
            foreach (var endpoint in endpoints)
            {
                var required = endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
                    .Select(a => a.Policy).OfType<string>().Where(p => p is "Operator" or "Committee" or "Administrator").Distinct().ToList();
                if (required.Count == 0 || required.All(held.Contains))
                {
                    continue;
                }

                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } declared ? declared : ["GET", "POST"];
                foreach (var method in methods)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), Concrete(endpoint.RoutePattern));
                    if (method == "POST")
                    {
                        request.Content = new FormUrlEncodedContent([]);
                    }

                    using var response = await client.Http.SendAsync(request);
                    checkedCount++;
                    if (response.StatusCode != HttpStatusCode.Forbidden)
                    {
                        problems.Add($"{user} ({string.Join(", ", held)}) → {method} {Normalise(endpoint.RoutePattern.RawText)} needs {string.Join(", ", required)}: answered {(int)response.StatusCode}");
                    }
                }
            }
        }

        Assert.True(checkedCount >= 20, $"Only {checkedCount} role-restricted requests found: the enumeration no longer sees the policies.");
        Assert.True(problems.Count == 0, "Reachable with the wrong role:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task The_staff_pages_are_mapped_and_send_an_anonymous_caller_to_the_sign_in_with_a_local_return_address()
    {
        using var client = PageClient.Anonymous(factory);

        foreach (var path in new[] { "/start", "/sager", "/sager/" + Guid.NewGuid(), "/udvalg", "/udvikling/digital-post", "/log-ud" })
        {
            using var response = await client.Http.GetAsync(path);

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/log-ind?ReturnUrl=" + Uri.EscapeDataString(path), PageClient.Location(response), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_operator_is_refused_the_committee_page()
    {
        using var client = await PageClient.StaffAsync(factory, "sundhedsplejerske");

        using var response = await client.Http.GetAsync("/udvalg");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Ingen adgang", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_citizen_is_no_staff_member_and_a_staff_member_is_no_citizen()
    {
        using var citizen = await PageClient.CitizenAsync(factory, "0101901234");
        using var staff = await PageClient.StaffAsync(factory, "admin");

        using var citizenOnStaffPage = await citizen.Http.GetAsync("/sager");
        using var staffOnConsentPage = await staff.Http.GetAsync("/samtykke/abc");

        Assert.Equal(HttpStatusCode.Redirect, citizenOnStaffPage.StatusCode);
        Assert.StartsWith("/log-ind", PageClient.Location(citizenOnStaffPage), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, staffOnConsentPage.StatusCode);
        Assert.StartsWith("/borger/log-ind", PageClient.Location(staffOnConsentPage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_staff_start_page_shows_the_signed_in_user_and_the_links_of_the_role()
    {
        using var operatorClient = await PageClient.StaffAsync(factory, "sundhedsplejerske");
        using var committeeClient = await PageClient.StaffAsync(factory, "udvalg");

        var (operatorStatus, operatorHtml) = await operatorClient.GetPageAsync("/start");
        var (committeeStatus, committeeHtml) = await committeeClient.GetPageAsync("/start");

        Assert.Equal(HttpStatusCode.OK, operatorStatus);
        Assert.Contains("<html lang=\"da\">", operatorHtml, StringComparison.Ordinal);
        Assert.Contains("Sundhedsplejerske (udvikling)", operatorHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/udvalg\"", operatorHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, committeeStatus);
        Assert.Contains("href=\"/udvalg\"", committeeHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_out_ends_the_staff_session()
    {
        using var client = await PageClient.StaffAsync(factory, "admin");

        using var signOut = await client.PostFormAsync("/start", "/log-ud", []);
        using var after = await client.Http.GetAsync("/start");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/logget-ud", PageClient.Location(signOut));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/log-ind", PageClient.Location(after), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_development_sign_in_refuses_an_unknown_user_and_a_foreign_return_address()
    {
        using var client = PageClient.Anonymous(factory);

        using var unknown = await client.PostFormAsync("/log-ind", "/log-ind", new() { ["userName"] = "mallory" });
        using var foreign = await client.PostFormAsync("/log-ind", "/log-ind", new() { ["userName"] = "admin", ["returnUrl"] = "https://evil.example/" });

        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Contains("Vælg en af brugerne", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, foreign.StatusCode);
        Assert.Equal("/start", PageClient.Location(foreign));
    }

    [Fact]
    public async Task The_citizen_sign_in_keeps_the_cpr_number_out_of_every_address_and_refuses_a_bad_one()
    {
        using var client = PageClient.Anonymous(factory);

        using var bad = await client.PostFormAsync("/borger/log-ind", "/borger/log-ind", new() { ["cpr"] = "123", ["returnUrl"] = "/samtykke/abc" });
        using var good = await client.PostFormAsync("/borger/log-ind?ReturnUrl=%2Fsamtykke%2Fabc", "/borger/log-ind", new() { ["cpr"] = "010190-1234", ["returnUrl"] = "/samtykke/abc" });

        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("gyldigt CPR-nummer", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal("/samtykke/abc", PageClient.Location(good));
        Assert.DoesNotContain("0101901234", PageClient.Location(good), StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs, line => line.Contains("0101901234", StringComparison.Ordinal) || line.Contains("010190-1234", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_form_carries_an_antiforgery_token()
    {
        using var anonymous = PageClient.Anonymous(factory);
        using var staff = await PageClient.StaffAsync(factory, "admin");
        var pages = new List<(string Path, PageClient Client)>
        {
            ("/log-ind", anonymous), ("/borger/log-ind", anonymous), ("/borger/log-ud", anonymous),
            ("/start", staff), ("/log-ud", staff),
        };

        foreach (var (path, client) in pages)
        {
            var (status, html) = await client.GetPageAsync(path);
            Assert.Equal(HttpStatusCode.OK, status);
            var forms = PageClient.PostForms(html);
            Assert.NotEmpty(forms);
            Assert.All(forms, f => Assert.Contains(PageClient.TokenField, f, StringComparison.Ordinal));
            Assert.DoesNotContain("method=\"get\"", html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_post_without_an_antiforgery_token_is_refused_with_400()
    {
        using var anonymous = PageClient.Anonymous(factory);
        using var staff = await PageClient.StaffAsync(factory, "admin");
        using var citizen = await PageClient.CitizenAsync(factory, "0101901234");
        var caseId = Guid.NewGuid();

        var posts = new List<(PageClient Client, string Path, Dictionary<string, string> Fields)>
        {
            (anonymous, "/log-ind", new() { ["userName"] = "admin" }),
            (anonymous, "/borger/log-ind", new() { ["cpr"] = "0101901234" }),
            (staff, "/log-ud", []),
            (staff, $"/sager/{caseId}?handler=Consent", new() { ["partyId"] = "p", ["answer"] = "Given" }),
            (staff, $"/sager/{caseId}?handler=Close", new() { ["reason"] = "test" }),
            (staff, $"/sager/{caseId}?handler=Resend", new() { ["letterId"] = Guid.NewGuid().ToString() }),
            (staff, "/udvalg?handler=Preview", new() { ["caseId"] = caseId.ToString(), ["outcome"] = "x", ["summary"] = "y" }),
            (staff, "/udvalg?handler=Edit", new() { ["caseId"] = caseId.ToString(), ["outcome"] = "x", ["summary"] = "y" }),
            (staff, "/udvalg?handler=Decision", new() { ["caseId"] = caseId.ToString(), ["outcome"] = "x", ["summary"] = "y", ["previewed"] = new string('0', 64) }),
            (citizen, "/samtykke/abc", new() { ["give"] = "true" }),
            (citizen, "/borger/log-ud", []),
        };

        foreach (var (client, path, fields) in posts)
        {
            using var response = await client.PostWithoutTokenAsync(path, fields);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {path} without a token answered {(int)response.StatusCode}");
        }
    }

    private static string Normalise(string? raw) => "/" + (raw ?? "").TrimStart('/');

    /// <summary>An address that matches the pattern: a new GUID for guid parameters, a harmless word otherwise.</summary>
    private static string Concrete(RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content == "guid") => Guid.NewGuid().ToString(),
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content == "int") => "1",
            _ => "test",
        }))));
}
