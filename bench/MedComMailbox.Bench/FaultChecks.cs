using Dapper;
using MedComMailbox.IntegrationTests.Resilience;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace MedComMailbox.Bench;

/// <summary>The resilience tests' output sink, printing to the console.</summary>
internal sealed class ConsoleOutput : ITestOutputHelper
{
    public void WriteLine(string message) => Console.WriteLine("   " + message);

    public void WriteLine(string format, params object[] args) => Console.WriteLine("   " + string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
}

/// <summary>
/// What the fault runs check beyond the resilience tests' <see cref="ExactlyOnce"/> (stored, consumed, routed and answered
/// once): one case per referral, one GP receipt per case delivered to the outbound folder, every letter once in the
/// development Digital Post folder (one file per messageUUID) and none still waiting, no letter doubled for a recipient.
/// </summary>
internal static class WorkflowOnce
{
    public static async Task<List<string>> ProblemsAsync(string dataDirectory, int referrals, bool developmentPost)
    {
        var problems = new List<string>();
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "mailbox.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        await connection.ExecuteAsync("PRAGMA busy_timeout=30000;");

        var cases = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM cases");
        if (cases != referrals)
        {
            problems.Add($"{cases} cases for {referrals} referrals");
        }

        var receipts = (await connection.QueryAsync<(string CaseId, long Count)>("SELECT case_id, COUNT(*) FROM case_messages WHERE role = 'GpReceipt' GROUP BY case_id")).AsList();
        if (receipts.Count != cases || receipts.Any(r => r.Count != 1))
        {
            problems.Add($"GP receipts: {receipts.Count} cases have one, {receipts.Count(r => r.Count != 1)} have more than one");
        }

        var files = (await connection.QueryAsync<(string? FileName, long? DispatchedAt)>(
            "SELECT o.file_name, o.dispatched_at FROM case_messages cm JOIN outbox o ON o.message_id = cm.message_id AND o.kind = 'deliver' WHERE cm.role = 'GpReceipt'")).AsList();
        var missing = files.Count(f => f.DispatchedAt is null || f.FileName is null || !File.Exists(Path.Combine(dataDirectory, "outbound", f.FileName)));
        if (files.Count != cases || missing > 0)
        {
            problems.Add($"GP receipt deliveries: {files.Count} rows for {cases} cases, {missing} not in outbound/");
        }

        var letters = (await connection.QueryAsync<(string Id, string Status)>("SELECT id, status FROM letters")).AsList();
        var open = letters.Count(l => l.Status is "pending" or "sending");
        if (open > 0)
        {
            problems.Add($"{open} letters not sent");
        }

        var doubled = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM (SELECT case_id, kind, party_id FROM letters GROUP BY case_id, kind, party_id HAVING COUNT(*) > 1)");
        if (doubled > 0)
        {
            problems.Add($"{doubled} recipients have the same letter twice");
        }

        if (developmentPost)
        {
            var folder = Path.Combine(dataDirectory, "digitalpost");
            var kept = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.xml").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase) : [];
            var notKept = letters.Count(l => !kept.Contains(l.Id));
            var extra = kept.Count - letters.Count(l => kept.Contains(l.Id));
            if (notKept > 0 || extra > 0)
            {
                problems.Add($"Digital Post folder: {kept.Count} files for {letters.Count} letters ({notKept} letters without a file, {extra} files without a letter)");
            }
        }

        Console.WriteLine($"   workflow: {cases} cases, {receipts.Count} GP receipts delivered, {letters.Count} letters ({open} not sent, {doubled} doubled)");
        return problems;
    }
}
