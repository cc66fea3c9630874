using System.Diagnostics;
using System.Net;
using Dapper;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace MedComMailbox.IntegrationTests.Faults;

/// <summary>
/// Another process holds the SQLite write lock (a backup tool, a stuck admin session): the intake waits its busy timeout,
/// then answers 503 with Retry-After and keeps nothing, so the sender sends again; once the lock is gone the same message
/// is accepted, once. <c>bench faults locked</c> and <c>bench faults disk-full</c> do the same against a separate process,
/// the latter on a really full file system.
/// </summary>
public sealed class DatabaseLockedTests(ITestOutputHelper output) : IDisposable
{
    private readonly MailboxApp _app = new(new Dictionary<string, string?> { ["Vans:InboundFolder"] = "" });

    [Fact]
    public async Task A_locked_database_gives_503_with_retry_after_and_the_resend_is_stored_once()
    {
        using (var ready = await _app.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var (referral, header) = Samples.FreshReferral();
        var clock = Stopwatch.StartNew();
        await using (var locker = new SqliteConnection($"Data Source={_app.DatabasePath};Pooling=False"))
        {
            await locker.OpenAsync();
            await locker.ExecuteAsync("BEGIN EXCLUSIVE;");

            using var response = await _app.PostAsync("/api/intake", referral, "application/fhir+json");

            output.WriteLine($"answered {(int)response.StatusCode} after {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("30", response.Headers.RetryAfter?.ToString());
            Assert.Equal("unavailable", Samples.Json(await response.Content.ReadAsStringAsync()).GetProperty("outcome").GetString());
            await locker.ExecuteAsync("ROLLBACK;");
        }

        using var again = await _app.PostAsync("/api/intake", referral, "application/fhir+json");

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(1, await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND message_id = @header", new { header }));
    }

    public void Dispose() => _app.Dispose();
}
