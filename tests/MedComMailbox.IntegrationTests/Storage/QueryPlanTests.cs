using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using MedComMailbox.Infrastructure.MedComSending;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.IntegrationTests.Intake;
using MedComMailbox.IntegrationTests.Support;
using MedComMailbox.IntegrationTests.Web;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Fhir;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xunit.Abstractions;

namespace MedComMailbox.IntegrationTests.Storage;

/// <summary>
/// Every statement the running host issues on the intake, outbox, triage and inbox paths, taken from SQLite's own trace
/// while real messages go through, is explained (EXPLAIN QUERY PLAN) on a copy of the database grown to a few thousand
/// rows of a realistic mix. The test fails when SQLite would read a whole table (<c>SCAN</c>) of messages, letters,
/// deadlines or outbox, or would look up messages by direction alone (an index on direction reads every row of that
/// direction): without statistics, as a new installation has them, and after ANALYZE.
/// </summary>
public sealed class QueryPlanTests : IDisposable
{
    private static readonly string[] Checked = ["messages", "letters", "deadlines", "outbox"];

    /// <summary>Callers whose statements are not on a per-message path, with the reason they may read a whole table.</summary>
    private static readonly Dictionary<string, string> Exempt = new(StringComparer.Ordinal)
    {
        // Once at the start of a process on the in-memory bus: every dispatched "received" event without a consumed row
        // is published again. It has to look at all of them; it is also the code issue 12 reworks.
        ["MedComMailbox.Infrastructure.Outbox.OutboxStore.RequeueUnconsumedAsync"] = "start-up recovery",
    };
    private static readonly MailboxIdentity Us = new(Samples.CoordinationGln, "1234561000016001", "Koordinationsudvalget for børn og unge, Eksempel Kommune");

    private readonly MailboxApp _app;
    private readonly ITestOutputHelper _output;
    private StatementRecorder? _recorder;

    public QueryPlanTests(ITestOutputHelper output)
    {
        _output = output;
        _app = new MailboxApp(
            new Dictionary<string, string?> { ["Workflow:SweepInterval"] = "00:00:00.100" },
            services =>
            {
                _recorder = new StatementRecorder(new SqliteConnectionStringBuilder { DataSource = _app!.DatabasePath, Pooling = true }.ToString());
                services.RemoveAll<MailboxDatabase>();
                services.AddSingleton(new MailboxDatabase(_recorder));
            });
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task No_statement_on_the_intake_outbox_triage_or_inbox_paths_reads_a_whole_table()
    {
        await DriveEveryPathAsync();
        var statements = _recorder!.Statements.Values
            .Where(s => IsQuery(s.Sql) && !Exempt.ContainsKey(s.Caller))
            .Select(s => new KeyValuePair<string, string>(s.Sql, s.Caller))
            .ToList();
        foreach (var group in statements.GroupBy(s => s.Value).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            _output.WriteLine($"{group.Count(),3} × {group.Key}");
        }

        Assert.True(statements.Count > 30, $"only {statements.Count} statements were recorded");
        Assert.Contains(statements, s => s.Value.EndsWith(nameof(MessageStore.BundleIdUsedByAnotherAsync), StringComparison.Ordinal));
        Assert.Contains(statements, s => s.Value.EndsWith(nameof(MessageStore.MatchAcknowledgementAsync), StringComparison.Ordinal));

        var copy = Path.Combine(_app.DataDirectory, "plans.db");
        await using (var source = new SqliteConnection($"Data Source={_app.DatabasePath};Pooling=False"))
        {
            await source.ExecuteAsync($"VACUUM INTO '{copy}'");
        }

        await using var db = new SqliteConnection($"Data Source={copy};Pooling=False");
        await db.OpenAsync();
        await PopulateAsync(db);

        await db.ExecuteAsync("DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4;");
        var withoutStatistics = await BadPlansAsync(db, statements);
        await db.ExecuteAsync("ANALYZE main");
        Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_stat1 WHERE idx = 'ix_messages_pending_ack'"));
        var withStatistics = await BadPlansAsync(db, statements);

        Assert.True(withoutStatistics.Count == 0 && withStatistics.Count == 0,
            "Plans that read a whole table:\n" + string.Join("\n", withoutStatistics.Select(b => "without statistics: " + b).Concat(withStatistics.Select(b => "after ANALYZE: " + b))));
    }

    /// <summary>The plan check itself fails on what it is meant to catch (so the test above can fail).</summary>
    [Fact]
    public async Task The_check_catches_a_full_scan_and_a_lookup_by_direction_alone()
    {
        await using var db = new SqliteConnection("Data Source=:memory:");
        await db.OpenAsync();
        await db.ExecuteAsync("CREATE TABLE messages (id TEXT PRIMARY KEY, direction TEXT, status TEXT, last_sent_at INTEGER, bundle_id TEXT); CREATE INDEX ix_messages_pending_ack ON messages (direction, status, last_sent_at);");
        KeyValuePair<string, string> Q(string sql) => new(sql, "test");

        var bad = await BadPlansAsync(db, [
            Q("SELECT COUNT(*) FROM messages WHERE bundle_id = @b"),
            Q("SELECT id FROM messages m WHERE m.bundle_id = @b"),
            Q("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND bundle_id = @b"),
            Q("SELECT id FROM messages WHERE id = @id"),
            Q("SELECT id FROM messages WHERE direction = 'out' AND status = 'sent' AND last_sent_at < @t"),
        ]);

        Assert.Equal(3, bad.Count);
        Assert.DoesNotContain(bad, b => b.Contains("id = @id", StringComparison.Ordinal) || b.Contains("last_sent_at < @t", StringComparison.Ordinal));
    }

    /// <summary>Real traffic through every path: intake (new, duplicate, reused Bundle.id, rejected, OIOXML, acknowledgements), the outbox, triage with its letters and deadlines, our own sending and resending, and the staff pages.</summary>
    private async Task DriveEveryPathAsync()
    {
        var caseId = await Referrals.NewCaseAsync(_app);
        using (var later = await _app.PostAsync("/api/intake", Samples.FreshReferral().Body, "application/fhir+json"))
        {
            Assert.Equal(HttpStatusCode.Accepted, later.StatusCode); // the same child: attached to the open case
        }

        var (body, _) = Samples.FreshReferral();
        using (var first = await _app.PostAsync("/api/intake", body, "application/fhir+json"))
        using (var again = await _app.PostAsync("/api/intake", body, "application/fhir+json"))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        var reused = Encoding.UTF8.GetString(Samples.FreshReferral(keepBundleId: true).Body);
        using (var original = await _app.PostAsync("/api/intake", Encoding.UTF8.GetBytes(reused), "application/fhir+json"))
        using (var second = await _app.PostAsync("/api/intake", Samples.FreshReferral(keepBundleId: true).Body, "application/fhir+json"))
        {
            Assert.Equal(HttpStatusCode.Accepted, original.StatusCode);
            Assert.False(second.IsSuccessStatusCode, "a second message with a reused Bundle.id is refused");
        }

        using (var rejected = await _app.PostAsync("/api/intake", Samples.Read("invalid/cpr-invalid.xml"), "application/xml"))
        using (var oioxml = await _app.PostAsync("/api/intake", Samples.Read("oioxml/xdis91-letter-from-gp.xml"), "application/xml"))
        using (var reply = await _app.PostAsync("/api/intake", Samples.Read("carecommunication/reply-from-gp.json"), "application/fhir+json"))
        {
            Assert.NotEqual(HttpStatusCode.InternalServerError, rejected.StatusCode);
            Assert.NotEqual(HttpStatusCode.InternalServerError, oioxml.StatusCode);
            Assert.NotEqual(HttpStatusCode.InternalServerError, reply.StatusCode);
        }

        var outbound = _app.Services.GetRequiredService<OutboundMessages>();
        var sent = await outbound.SendAsync(
            new OutboundDocument(Samples.OurReplyHeaderId, MedComMessageKind.CareCommunication, MedComSyntax.FhirJson, "application/fhir+json",
                Samples.Read("carecommunication/reply-from-mailbox.json"), "MCM:FDIS91#regarding-referral", Samples.GpGln),
            Us,
            CancellationToken.None);
        using (var ack = await _app.PostAsync("/api/intake", GpAcknowledgements.OfOurReply(AcknowledgementOutcome.Ok), "application/fhir+json"))
        {
            Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);
        }

        Assert.Equal("acknowledged", await _app.QuerySingleAsync<string>("SELECT status FROM messages WHERE id = @id", new { id = sent.ToString() }));
        await outbound.ResendOverdueAsync(CancellationToken.None);

        await MailboxApp.Eventually(
            async () => await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM letters WHERE status IN ('pending', 'sending')") == 0
                && await _app.QuerySingleAsync<long>("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL") == 0,
            "every letter and outbox row sent",
            30000);

        using var staff = await PageClient.StaffAsync(_app, "sundhedsplejerske");
        var message = await _app.QuerySingleAsync<string>("SELECT message_id FROM inbox_items ORDER BY received_at LIMIT 1");
        foreach (var page in new[]
                 {
                     "/indbakke", "/indbakke?visning=nye", $"/beskeder/{message}", "/sager", $"/sager/{caseId}",
                     "/indbakke/kvitteringer", "/indbakke/kvitteringer?kode=fatal-error", "/indbakke/kvitteringer?retning=modtagne",
                     "/indbakke/kvitteringer?retning=modtagne&kode=venter", $"/indbakke/kvitteringer?retning=modtagne&efter=1700000000000_{Guid.Empty}",
                 })
        {
            var (status, _) = await staff.GetPageAsync(page);
            Assert.Equal(HttpStatusCode.OK, status);
        }
    }

    /// <summary>
    /// A year of a busy mailbox, scaled down: 6,000 messages (three in four received, most of them referrals and
    /// acknowledgements; a quarter ours, nearly all acknowledged), two outbox rows per message nearly all dispatched,
    /// 1,500 cases with three letters and four deadlines each, nearly all sent and done, and the inbox items.
    /// </summary>
    private static async Task PopulateAsync(SqliteConnection db)
    {
        await db.ExecuteAsync(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
            INSERT INTO messages (id, direction, status, channel, received_at, kind, syntax, mailbox_gln, sender_gln, receiver_gln, message_id,
                                  bundle_id, envelope_id, dedupe_key, patient_cpr, thread_id, predecessor_ref, parent_id, acknowledged_message_id, ack_code, ack_message_id,
                                  send_attempts, last_sent_at, routed_at, size_bytes, raw_sha256, raw)
            SELECT 'gen-' || i,
                   CASE WHEN i % 4 = 0 THEN 'out' ELSE 'in' END,
                   CASE WHEN i % 4 = 0 THEN (CASE WHEN i % 100 = 0 THEN 'sent' WHEN i % 100 = 40 THEN 'flagged' ELSE 'acknowledged' END)
                        ELSE (CASE WHEN i % 50 = 1 THEN 'rejected' ELSE 'accepted' END) END,
                   CASE WHEN i % 3 = 0 THEN 'folder' ELSE 'http' END,
                   1700000000000 + i * 60000,
                   CASE WHEN i % 4 = 2 THEN 'Acknowledgement' WHEN i % 10 = 3 THEN 'OioXmlLetter' ELSE 'CareCommunication' END,
                   CASE WHEN i % 10 = 3 THEN 'OioXml' ELSE 'FhirJson' END,
                   CASE WHEN i % 2 = 0 THEN '5790000991006' ELSE '5790000991013' END,
                   '579000088' || (i % 300), '5790000991006',
                   'msg-' || i, 'bundle-' || i, 'env-' || i, 'dedupe-' || i,
                   printf('%010d', 101000000 + (i % 1500)),
                   'thread-' || (i / 3),
                   CASE WHEN i % 12 IN (1, 5) THEN 'msg-' || (i - 1) END,
                   CASE WHEN i % 12 IN (1, 5) THEN 'gen-' || (i - 1) END,
                   CASE WHEN i % 4 = 2 THEN 'msg-' || (i - 2) END,
                   'ok', 'ack-' || i,
                   CASE WHEN i % 4 = 0 THEN 1 ELSE 0 END,
                   CASE WHEN i % 4 = 0 THEN 1700000000000 + i * 60000 END,
                   CASE WHEN i % 4 <> 0 THEN 1700000000000 + i * 60000 + 500 END,
                   10000, 'sha-' || i, zeroblob(64)
            FROM n;

            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
            INSERT INTO outbox (message_id, kind, type, payload, file_name, created_at, due_at, attempts, dispatched_at)
            SELECT 'gen-' || ((i + 1) / 2), CASE WHEN i % 2 = 0 THEN 'publish' ELSE 'deliver' END, 'MedComMailbox.Contracts.MessageStored', zeroblob(64), NULL,
                   1700000000000 + i * 30000, 1700000000000 + i * 30000, 1, 1700000000000 + i * 30000 + 200
            FROM n;

            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
            INSERT INTO cases (id, mailbox_gln, referral_message_id, thread_id, child_cpr, child_name, state, opened_at, consent_deadline, party_names, snapshot, version, closed_at)
            SELECT 'case-' || i, '5790000991006', 'gen-' || (i * 4 - 3), 'thread-' || i, printf('%010d', 101000000 + i), 'Barn', CASE WHEN i % 10 = 0 THEN 'AwaitingConsent' ELSE 'Closed' END,
                   1700000000000 + i * 240000, 1700000000000 + i * 240000 + 1209600000, '{}', '{}', 1, CASE WHEN i % 10 <> 0 THEN 1700000000000 + i * 240000 + 86400000 END
            FROM n;

            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4500)
            INSERT INTO letters (id, case_id, kind, party_id, party_role, recipient_name, title, body, status, attempts, next_attempt_at, created_at, sent_at, status_at)
            SELECT 'letter-' || i, 'case-' || ((i + 2) / 3), 'ConsentRequest', printf('%010d', 201000000 + i), 'custody', 'Forælder', 'Titel', 'Tekst',
                   CASE WHEN i % 200 = 0 THEN 'failed' WHEN i % 3 = 0 THEN 'delivered' ELSE 'accepted' END, 1,
                   1700000000000 + i * 80000, 1700000000000 + i * 80000, 1700000000000 + i * 80000 + 1000, 1700000000000 + i * 80000 + 1000
            FROM n;

            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
            INSERT INTO deadlines (case_id, kind, due_at, attempts, done_at)
            SELECT 'case-' || ((i + 3) / 4), CASE i % 4 WHEN 0 THEN 'ConsentReminder' WHEN 1 THEN 'ConsentLapse' WHEN 2 THEN 'ConsentExpiry' ELSE 'CustodyRecheck' END,
                   1700000000000 + i * 60000 + 604800000, 0, CASE WHEN i % 40 <> 0 THEN 1700000000000 + i * 60000 + 604800000 END
            FROM n;

            INSERT INTO inbox_items (id, message_id, mailbox_gln, thread_id, state, created_at, kind, received_at, sender_gln, patient_cpr, subject)
            SELECT 'item-' || id, id, mailbox_gln, thread_id, CASE WHEN received_at % 7 = 0 THEN 'new' ELSE 'done' END, received_at, kind, received_at, sender_gln, patient_cpr, 'Henvisning'
            FROM messages WHERE id LIKE 'gen-%' AND direction = 'in' AND status = 'accepted' AND kind <> 'Acknowledgement';
            """);
    }

    /// <summary>Each statement's plan lines that read a whole table of those checked, with the statement and its caller.</summary>
    private static async Task<List<string>> BadPlansAsync(SqliteConnection db, IEnumerable<KeyValuePair<string, string>> statements)
    {
        var bad = new List<string>();
        foreach (var (sql, caller) in statements)
        {
            await using var command = db.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach (var name in Regex.Matches(sql, @"[@$:][A-Za-z_][A-Za-z0-9_]*").Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                command.Parameters.AddWithValue(name, DBNull.Value);
            }

            var names = TableNames(sql);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var detail = reader.GetString(3);
                if (IsBad(detail, names))
                {
                    bad.Add($"{caller}: {detail}\n    {Regex.Replace(sql, @"\s+", " ")}");
                }
            }
        }

        return bad;
    }

    /// <summary>Names and aliases under which a checked table appears in the statement (plans name the alias).</summary>
    private static HashSet<string> TableNames(string sql)
    {
        var names = new HashSet<string>(Checked, StringComparer.OrdinalIgnoreCase);
        foreach (Match m in Regex.Matches(sql, @"\b(messages|letters|deadlines|outbox)\s+(?:AS\s+)?([A-Za-z_]\w*)", RegexOptions.IgnoreCase))
        {
            var alias = m.Groups[2].Value;
            if (!Regex.IsMatch(alias, "^(WHERE|SET|JOIN|LEFT|INNER|ON|ORDER|GROUP|VALUES|USING|LIMIT)$", RegexOptions.IgnoreCase))
            {
                names.Add(alias);
            }
        }

        return names;
    }

    private static bool IsBad(string detail, HashSet<string> names)
    {
        var scan = Regex.Match(detail, @"^SCAN (\w+)");
        if (scan.Success && names.Contains(scan.Groups[1].Value))
        {
            return true;
        }

        // An index used for direction alone: every received (or every sent) message is read.
        var search = Regex.Match(detail, @"^SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \((.*)\)$");
        return search.Success && names.Contains(search.Groups[1].Value) && search.Groups[2].Value == "direction=?";
    }

    private static bool IsQuery(string sql) =>
        Regex.IsMatch(sql, @"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", RegexOptions.IgnoreCase);
}
