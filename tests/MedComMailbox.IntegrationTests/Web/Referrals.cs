using System.Net;
using System.Text.RegularExpressions;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>Page tests' shared set-up: a referral that opens a case.</summary>
internal static partial class Referrals
{
    /// <summary>Posts a fresh referral (to the coordination committee's mailbox) and waits for the case it opens.</summary>
    public static async Task<Guid> NewCaseAsync(MailboxApp app)
    {
        var queries = app.Services.GetRequiredService<CaseQueries>();
        var before = (await queries.ListAsync(openOnly: false, default)).Select(c => c.Id).ToHashSet();
        using var response = await app.PostAsync("/api/intake", Samples.FreshReferral().Body, "application/fhir+json");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Guid? found = null;
        await MailboxApp.Eventually(async () =>
        {
            found = (await queries.ListAsync(openOnly: false, default)).FirstOrDefault(c => !before.Contains(c.Id))?.Id;
            return found is not null;
        }, "a case for the referral", 30000);
        return found!.Value;
    }

    /// <summary>
    /// Records a decision as the committee does on its page: "Vis breve" (the preview, which must show the letters),
    /// then "Send afgørelsen" with the previewed fingerprint. Returns the send's response.
    /// </summary>
    public static async Task<HttpResponseMessage> DecideAsync(PageClient committee, Dictionary<string, string> fields)
    {
        using var preview = await committee.PostFormAsync("/udvalg", "/udvalg?handler=Preview", new(fields));
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var html = await preview.Content.ReadAsStringAsync();
        var fingerprint = PreviewedField().Match(html);
        Assert.True(fingerprint.Success, "The decision's preview shows no letters to send.");
        return await committee.PostFormAsync("/udvalg", "/udvalg?handler=Decision", new(fields) { ["previewed"] = fingerprint.Groups[1].Value });
    }

    [GeneratedRegex(@"name=""previewed"" value=""([0-9a-f]+)""")]
    private static partial Regex PreviewedField();
}
