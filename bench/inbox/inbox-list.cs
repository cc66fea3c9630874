#:project ../../src/MedComMailbox.Workflow/MedComMailbox.Workflow.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
// The inbox list on a large mailbox: seeds N inbox items (default 100,000) in a fresh SQLite file through the real
// schema scripts, then times the pages a health visitor opens (first page of unhandled, a filtered page, page 200 by
// keyset, a CPR search, a name search, the unread counts) against a baseline in the same run: the cheapest query on
// the same table (SELECT of one row by primary key). Run: dotnet run bench/inbox/inbox-list.cs -- [N]
using System.Diagnostics;
using Dapper;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.MedCom;
using MedComMailbox.Workflow.Inbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

var n = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
var file = Path.Combine(Path.GetTempPath(), $"inbox-bench-{Guid.NewGuid():N}.db");
var database = new MailboxDatabase(new SqliteDialect($"Data Source={file}"));
database.Migrate(NullLogger.Instance);
string[] mailboxes = ["5790000991006", "5790000991013"];
string[] names = ["Alma Prøvesen", "Bo Jensen", "Clara Hansen", "Dennis Nielsen", "Eva Sørensen", "Frede Larsen"];
var random = new Random(42);
var start = DateTimeOffset.Parse("2024-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
string? someCpr = null;
string? someId = null;
var seed = Stopwatch.StartNew();
await using (var connection = await database.OpenAsync())
{
    await using var tx = await connection.BeginTransactionAsync();
    for (var i = 0; i < n; i++)
    {
        var cpr = $"{random.Next(1, 28):00}{random.Next(1, 13):00}{random.Next(10, 24):00}{random.Next(0, 10000):0000}";
        var id = Guid.NewGuid().ToString();
        someCpr ??= cpr;
        someId ??= id;
        await connection.ExecuteAsync(
            """
            INSERT INTO inbox_items (id, message_id, mailbox_gln, thread_id, state, created_at, kind, received_at, sender_gln, sender_name, patient_cpr, patient_name, subject)
            VALUES (@id, @message, @mailbox, NULL, @state, @at, 'CareCommunication', @at, '5790000882007', 'Lægerne i Eksempelby', @cpr, @name, 'Henvisning')
            """,
            new { id, message = Guid.NewGuid().ToString(), mailbox = mailboxes[i % 2], state = i % 50 == 0 ? "new" : i % 10 == 0 ? "read" : "done", at = start + (i * 60_000L), cpr, name = names[i % names.Length] + " " + i },
            tx);
    }

    await tx.CommitAsync();
}

Console.WriteLine($"Seeded {n:N0} inbox items in {seed.Elapsed.TotalSeconds:N1} s; database {new FileInfo(file).Length / 1024 / 1024:N0} MB");
var queries = new InboxQueries(database);
var all = new HashSet<string>();
var baseline = await Time(async () =>
{
    await using var c = await database.OpenAsync();
    await c.QuerySingleAsync<string>("SELECT id FROM inbox_items WHERE id = @id", new { id = someId });
});
Console.WriteLine($"{"query",-40} {"median ms",10} {"× baseline",11}");
Console.WriteLine($"{"baseline: one row by primary key",-40} {baseline,10:N2} {1,11:N1}");
var cursor = (await queries.ListAsync(new InboxFilter(InboxView.All, PageSize: 50), all, default)).Next;
for (var i = 0; i < 198 && cursor is not null; i++)
{
    cursor = (await queries.ListAsync(new InboxFilter(InboxView.All, After: cursor, PageSize: 50), all, default)).Next;
}

(string Name, Func<Task> Run)[] cases =
[
    ("unhandled, first page", () => queries.ListAsync(new InboxFilter(InboxView.Unhandled), all, default)),
    ("new, one mailbox", () => queries.ListAsync(new InboxFilter(InboxView.New, Mailbox: mailboxes[0]), all, default)),
    ("all, page 200 (keyset)", () => queries.ListAsync(new InboxFilter(InboxView.All, After: cursor), all, default)),
    ("all, user limited to one mailbox", () => queries.ListAsync(new InboxFilter(InboxView.All), new HashSet<string> { mailboxes[0] }, default)),
    ("search by CPR", () => queries.ListAsync(new InboxFilter(InboxView.All, Search: someCpr), all, default)),
    ("search by name (substring)", () => queries.ListAsync(new InboxFilter(InboxView.All, Search: "sørensen 99"), all, default)),
    ("unread/unhandled counts", () => queries.CountsAsync(all, default)),
];
foreach (var (name, run) in cases)
{
    var ms = await Time(run);
    Console.WriteLine($"{name,-40} {ms,10:N2} {ms / baseline,11:N1}");
}

SqliteConnection.ClearAllPools();
File.Delete(file);

static async Task<double> Time(Func<Task> run)
{
    for (var i = 0; i < 3; i++)
    {
        await run();
    }

    var samples = new List<double>();
    for (var i = 0; i < 21; i++)
    {
        var clock = Stopwatch.StartNew();
        await run();
        samples.Add(clock.Elapsed.TotalMilliseconds);
    }

    samples.Sort();
    return samples[samples.Count / 2];
}
