using System.Net;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.DependencyInjection;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>Page tests' shared set-up: a referral that opens a case.</summary>
internal static class Referrals
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
}
