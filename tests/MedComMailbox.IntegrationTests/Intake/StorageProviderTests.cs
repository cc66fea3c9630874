using System.Net;
using MedComMailbox.IntegrationTests.Support;

namespace MedComMailbox.IntegrationTests.Intake;

/// <summary>
/// The same intake scenario on each storage provider. SQLite always runs; SQL Server runs when
/// MEDCOM_TEST_SQLSERVER holds a connection string (a database the tests may create tables in) and is skipped otherwise.
/// </summary>
public sealed class StorageProviderTests
{
    public static TheoryData<string> Providers() => ["Sqlite", "SqlServer"];

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_message_is_stored_once_and_acknowledged(string provider)
    {
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = provider };
        if (provider == "SqlServer")
        {
            var connectionString = Environment.GetEnvironmentVariable("MEDCOM_TEST_SQLSERVER");
            Skip.If(string.IsNullOrWhiteSpace(connectionString), "MEDCOM_TEST_SQLSERVER is not set: no SQL Server to test against.");
            settings["Storage:ConnectionString"] = connectionString;
        }

        using var app = new MailboxApp(settings);
        var (body, header) = Samples.FreshReferral();

        using var first = await app.PostAsync("/api/intake", body, "application/fhir+json");
        using var second = await app.PostAsync("/api/intake", body, "application/fhir+json");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await MailboxApp.Eventually(() => app.OutboundAnswers().Count(a => a.Summary.AcknowledgedMessageId == header) == 2, "two ok acknowledgements");
        var id = Samples.Json(await first.Content.ReadAsStringAsync()).GetProperty("messageId").GetString();
        using var client = app.CreateClient();
        await MailboxApp.Eventually(async () => (await client.GetStringAsync($"/api/messages/{id}")).Contains("\"routed\":true", StringComparison.Ordinal), "routed to the inbox");
    }
}
