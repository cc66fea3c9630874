using System.Net;
using System.Net.Http.Headers;
using MedComMailbox.IntegrationTests.Support;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>
/// Every page a citizen sees (the consent page, its receipt, the citizen sign-in and the citizen error pages) gives the
/// committee's phone and e-mail from <c>Workflow:Contact</c> (issue 16).
/// </summary>
public sealed class CitizenContactTests : IDisposable
{
    private readonly MailboxApp _app = new(new Dictionary<string, string?>
    {
        ["Workflow:Contact:Phone"] = "70112233",
        ["Workflow:Contact:Email"] = "udvalget@sundby.test",
    });

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/samtykke/et-ukendt-link")]
    [InlineData("/samtykke/kvittering")]
    [InlineData("/borger/log-ind")]
    [InlineData("/samtykke/ukendt/mere/end/ruten")]
    public async Task A_citizen_page_gives_the_committees_phone_and_e_mail_from_configuration(string path)
    {
        using var client = _app.CreateClient(new() { AllowAutoRedirect = true });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("text/html"));
        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.Gone, $"{path}: {(int)response.StatusCode}");
        Assert.Contains("<html lang=\"da\">", html, StringComparison.Ordinal);
        Assert.Contains("70 11 22 33", html, StringComparison.Ordinal);
        Assert.Contains("udvalget@sundby.test", html, StringComparison.Ordinal);
    }
}
