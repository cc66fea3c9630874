using System.Net;
using System.Net.Http.Headers;
using MedComMailbox.IntegrationTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>
/// People get Danish HTML error pages, machines problem documents (issue 16, "Danish throughout"); nothing of the
/// request is echoed. A 500 is provoked by a test-only middleware at the end of the host's own pipeline.
/// </summary>
public sealed class ErrorPagesTests : IDisposable
{
    private const string ThrowPath = "/test-only/kast-fejl";
    private readonly MailboxApp _app = new(null, services => services.AddSingleton<IStartupFilter, ThrowingEndpoint>());

    public void Dispose() => _app.Dispose();

    private async Task<HttpResponseMessage> GetAsync(string path, string accept)
    {
        using var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_missing_page_is_a_danish_page_for_a_browser()
    {
        using var response = await GetAsync("/sager/ingen-sag-0101141234", "text/html");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html lang=\"da\">", html, StringComparison.Ordinal);
        Assert.Contains("Siden findes ikke", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/start\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("0101141234", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Not Found", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_citizen_gets_no_link_to_the_staff_start_page()
    {
        using var response = await GetAsync("/samtykke/ukendt/mere/end/ruten", "text/html");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Siden findes ikke", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/start", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/messages/00000000-0000-0000-0000-000000000001", "text/html")]
    [InlineData("/findes-ikke", "application/json")]
    public async Task Machines_keep_problem_documents(string path, string accept)
    {
        using var response = await GetAsync(path, accept);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("<html", body, StringComparison.Ordinal);
        if (accept == "application/json")
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"status\":404", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_fault_is_a_danish_page_for_a_browser_and_a_problem_document_otherwise_and_never_shows_the_exception()
    {
        using var page = await GetAsync(ThrowPath, "text/html");
        var html = await page.Content.ReadAsStringAsync();
        using var api = await GetAsync(ThrowPath, "application/json");
        var problem = await api.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, page.StatusCode);
        Assert.Contains("Der skete en fejl", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"da\">", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.InternalServerError, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        foreach (var body in new[] { html, problem })
        {
            Assert.DoesNotContain(ThrowingEndpoint.Secret, body, StringComparison.Ordinal);
            Assert.DoesNotContain(nameof(InvalidOperationException), body, StringComparison.Ordinal);
        }
    }

    /// <summary>Runs after the host's own pipeline (inside its exception handler): one path that throws.</summary>
    private sealed class ThrowingEndpoint : IStartupFilter
    {
        public const string Secret = "0101141234 hemmelig helbredstekst";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((context, following) => context.Request.Path == ThrowPath ? throw new InvalidOperationException(Secret) : following(context));
        };
    }
}
