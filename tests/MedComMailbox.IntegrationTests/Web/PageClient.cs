using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>A browser-like client for the pages: keeps cookies, does not follow redirects, reads antiforgery tokens from forms.</summary>
internal sealed partial class PageClient(HttpClient http) : IDisposable
{
    public const string TokenField = "__RequestVerificationToken";

    public HttpClient Http { get; } = http;

    public static PageClient Anonymous<T>(WebApplicationFactory<T> factory) where T : class =>
        new(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    /// <summary>Signs in through the development staff sign-in as one of the seeded users.</summary>
    public static async Task<PageClient> StaffAsync<T>(WebApplicationFactory<T> factory, string userName) where T : class
    {
        var client = Anonymous(factory);
        using var response = await client.PostFormAsync("/log-ind", "/log-ind", new() { ["userName"] = userName, ["returnUrl"] = "/start" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/start", response.Headers.Location?.OriginalString);
        return client;
    }

    /// <summary>Signs in through the development citizen sign-in with a CPR number (in the form body, never the address).</summary>
    public static async Task<PageClient> CitizenAsync<T>(WebApplicationFactory<T> factory, string cpr, string returnUrl = "/borger/log-ind") where T : class
    {
        var client = Anonymous(factory);
        await client.SignInCitizenAsync(cpr, returnUrl);
        return client;
    }

    public async Task SignInCitizenAsync(string cpr, string returnUrl)
    {
        using var response = await PostFormAsync("/borger/log-ind", "/borger/log-ind", new() { ["cpr"] = cpr, ["returnUrl"] = returnUrl });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>Where a redirect points, as a local path and query (the cookie handler writes absolute addresses).</summary>
    public static string Location(HttpResponseMessage response) =>
        response.Headers.Location is not { } location ? "" :
        location.IsAbsoluteUri && location.Host == "localhost" ? location.PathAndQuery :
        location.OriginalString;

    public async Task<(HttpStatusCode Status, string Html)> GetPageAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GETs <paramref name="formPage"/>, takes the antiforgery token of its first post form, and POSTs the fields to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, Dictionary<string, string> fields)
    {
        var (status, html) = await GetPageAsync(formPage);
        Assert.True(status == HttpStatusCode.OK, $"GET {formPage} answered {(int)status}");
        var token = Tokens(html).FirstOrDefault() ?? throw new InvalidOperationException($"{formPage} has no antiforgery token");
        fields[TokenField] = token;
        return await Http.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    public Task<HttpResponseMessage> PostWithoutTokenAsync(string action, Dictionary<string, string> fields) =>
        Http.PostAsync(action, new FormUrlEncodedContent(fields));

    /// <summary>Every form whose method is post, with its markup.</summary>
    public static IReadOnlyList<string> PostForms(string html) =>
        FormPattern().Matches(html).Select(m => m.Value).Where(f => MethodPost().IsMatch(f)).ToList();

    public static IEnumerable<string> Tokens(string html) =>
        TokenPattern().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value));

    public void Dispose() => Http.Dispose();

    [GeneratedRegex(@"<form\b.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormPattern();

    [GeneratedRegex(@"^<form\b[^>]*\bmethod=""post""", RegexOptions.IgnoreCase)]
    private static partial Regex MethodPost();

    [GeneratedRegex(@"name=""__RequestVerificationToken""[^>]*\bvalue=""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex TokenPattern();
}
