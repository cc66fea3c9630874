using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dapper;
using MedComMailbox.Infrastructure.Tests.DigitalPost;
using MedComMailbox.IntegrationTests.Faults;
using MedComMailbox.IntegrationTests.Resilience;
using Microsoft.Data.Sqlite;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MedComMailbox.Bench;

/// <summary>
/// The long fault-injection runs (<c>faults …</c>). Each prints what it did and what it found, and exits 0 only when nothing
/// was lost, doubled or answered wrongly. The short versions of the hostile-input and locked-database runs are integration
/// tests (tests/MedComMailbox.IntegrationTests/Faults); the kill and broker runs extend the resilience tests' CrashTests and
/// BrokerOutageTests to many more kills and a longer outage, with their helpers and their exactly-once check.
/// </summary>
internal static class FaultRuns
{
    private static readonly ConsoleOutput Output = new();

    public static async Task<int> RunAsync(Options options)
    {
        var which = options.Words.Count > 1 ? options.Words[1] : "";
        var work = Path.Combine(Path.GetTempPath(), "medcom-faults-" + TimeProvider.System.GetLocalNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(work);
        var keep = options.Flag("keep");
        var failures = new List<string>();
        Broker? broker = null;
        try
        {
            async Task<Broker> BrokerAsync() => broker ??= await Broker.StartAsync(work);
            var all = which == "all";
            if (all || which == "kill")
            {
                var rabbit = options.String("transport", "rabbitmq") == "rabbitmq";
                failures.AddRange(await KillAsync(Path.Combine(work, "kill"), options.Int("kills", 100), options.Int("n", 1000), rabbit ? await BrokerAsync() : null));
            }

            if (all || which == "broker")
            {
                failures.AddRange(await BrokerOutageAsync(Path.Combine(work, "broker"), TimeSpan.FromSeconds(options.Int("outage", 60)), options.Int("n", 600), await BrokerAsync()));
            }

            if (all || which == "post")
            {
                failures.AddRange(await PostOutageAsync(Path.Combine(work, "post"), TimeSpan.FromSeconds(options.Int("outage", 600)), TimeSpan.FromSeconds(options.Int("errors", 120)), options.Int("failed", 10), options.Int("n", 40)));
            }

            if (all || which == "hostile")
            {
                failures.AddRange(await HostileAsync(Path.Combine(work, "hostile"), options.Int("count", 10_000), options.Int("c", 8), options.Int("seed", Environment.TickCount & 0x7fffffff)));
            }

            if (all || which == "locked")
            {
                failures.AddRange(await LockedAsync(Path.Combine(work, "locked"), TimeSpan.FromSeconds(options.Int("hold", 40))));
            }

            if (all || which == "disk-full")
            {
                failures.AddRange(await DiskFullAsync(Path.Combine(work, "disk")));
            }

            if (options.Unread.Any() || (!all && which is not ("kill" or "broker" or "post" or "hostile" or "locked" or "disk-full")))
            {
                throw new InvalidOperationException($"Unknown fault '{which}' or options {string.Join(", ", options.Unread)}; see --help.");
            }
        }
        finally
        {
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }

            if (!keep && failures.Count == 0)
            {
                BenchRun.TryDelete(work);
            }
        }

        Console.WriteLine();
        Console.WriteLine(failures.Count == 0 ? "faults: everything recovered, nothing lost or doubled" : $"faults: {failures.Count} problems (data kept in {work}):");
        foreach (var failure in failures)
        {
            Console.WriteLine("  - " + failure);
        }

        return failures.Count == 0 ? 0 : 1;
    }

    // ------------------------------------------------------------------ kill -9

    private static async Task<List<string>> KillAsync(string directory, int kills, int count, Broker? broker)
    {
        Console.WriteLine($"\n== kill: SIGKILL the web process {kills} times at random moments under a load of {count} referrals ({(broker is null ? "in-process bus" : "RabbitMQ")})");
        Directory.CreateDirectory(directory);
        var messages = Corpus.Create(count, 0.1, 0, Environment.TickCount & 0x7fffffff, Path.Combine(directory, "persons.json"));
        var settings = new Dictionary<string, string>
        {
            ["CprLookup__DevelopmentPersonsFile"] = Path.Combine(directory, "persons.json"),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        TestVhost? vhost = null;
        if (broker is not null)
        {
            vhost = await TestVhost.CreateAsync("kill");
            settings["Bus__Transport"] = "RabbitMq";
            settings["Bus__RabbitMqUrl"] = vhost.Url.ToString();
            settings["Bus__PublishTimeout"] = "00:00:05";
        }

        try
        {
            using var web = new WebHostProcess(directory, settings, Path.Combine(directory, "web.log"));
            web.Start();
            await web.WaitHealthyAsync(TimeSpan.FromSeconds(90));
            var random = new Random();
            var done = 0;
            var killed = 0;
            var clock = Stopwatch.StartNew();
            var killer = Task.Run(async () =>
            {
                while (killed < kills)
                {
                    await web.WaitHealthyAsync(TimeSpan.FromSeconds(90));
                    // A random moment 0.2-2.5 s after the process is up: during start-up work, mid-request, mid-triage, mid-letter.
                    await Task.Delay(200 + random.Next(2300));
                    web.KillAndRestart();
                    killed++;
                    if (killed % 10 == 0)
                    {
                        Console.WriteLine($"   {killed} kills after {clock.Elapsed.TotalSeconds:0} s");
                    }
                }

                Volatile.Write(ref done, 1);
            });

            // The load is spread over the time the kills are expected to take (about 3 s each), so every kill lands under load.
            using var sender = new VansSender(web.BaseAddress);
            var spread = TimeSpan.FromSeconds(kills * 3.0);
            var stats = await sender.SendAllAsync(messages.Select(m => m.AsTestMessage()).ToList(), 4, spread + TimeSpan.FromMinutes(10), spread);
            await killer;
            await web.WaitHealthyAsync(TimeSpan.FromSeconds(90));
            Console.WriteLine($"   load: {stats.Accepted} accepted, {stats.Duplicates} duplicates (202 lost with a killed process), {stats.Retries} resends, {stats.Errors.Count} errors, {clock.Elapsed.TotalSeconds:0} s, {killed} kills, {web.Starts} starts");
            var problems = stats.Errors.Take(10).ToList();
            if (stats.Accepted + stats.Duplicates != count)
            {
                problems.Add($"{stats.Accepted + stats.Duplicates} final answers for {count} messages");
            }

            problems.AddRange(await SettleAsync(directory, messages, TimeSpan.FromMinutes(6), developmentPost: true));
            return problems.Select(p => "kill: " + p).ToList();
        }
        finally
        {
            if (vhost is not null)
            {
                await vhost.DisposeAsync();
            }
        }
    }

    /// <summary>The tests' exactly-once check (its assertions as problems), then the workflow's.</summary>
    private static async Task<List<string>> SettleAsync(string directory, IReadOnlyList<LoadMessage> messages, TimeSpan timeout, bool developmentPost)
    {
        var problems = new List<string>();
        var testMessages = messages.Select(m => m.AsTestMessage()).ToList();
        try
        {
            var waited = await ExactlyOnce.WaitAndAssertAsync(new MailboxDb(directory), new AckFolder(directory), testMessages, timeout, Output, directory);
            Console.WriteLine($"   exactly once: every message stored once, consumed once, routed once, answered ok ({waited.TotalSeconds:0} s to settle)");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            problems.Add(e.Message.Split('\n')[0]);
        }

        var probe = new WorkflowProbe(Path.Combine(directory, "mailbox.db"));
        var (_, done) = await probe.WaitAsync(messages.Count, timeout);
        if (!done)
        {
            problems.Add("the workflow did not finish: " + await probe.CountsAsync());
        }

        problems.AddRange(await WorkflowOnce.ProblemsAsync(directory, messages.Count, developmentPost));
        return problems;
    }

    // ------------------------------------------------------------------ RabbitMQ outage

    private static async Task<List<string>> BrokerOutageAsync(string directory, TimeSpan outage, int count, Broker broker)
    {
        Console.WriteLine($"\n== broker: stop RabbitMQ (rabbitmqctl stop_app) for {outage.TotalSeconds:0} s under a load of {count} referrals, web + one Worker");
        if (Broker.Ctl is null)
        {
            return ["broker: MEDCOM_TEST_RABBITMQCTL is unset, so this run cannot stop the broker (let the bench start its own node)"];
        }

        Directory.CreateDirectory(directory);
        var messages = Corpus.Create(count, 0.1, 0, Environment.TickCount & 0x7fffffff, Path.Combine(directory, "persons.json"));
        await using var vhost = await TestVhost.CreateAsync("outage");
        var settings = new Dictionary<string, string>
        {
            ["CprLookup__DevelopmentPersonsFile"] = Path.Combine(directory, "persons.json"),
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMqUrl"] = vhost.Url.ToString(),
            ["Bus__PublishTimeout"] = "00:00:03",
        };
        using var mailbox = new Mailbox(directory, settings);
        await mailbox.StartAsync(workers: 1, webRunsConsumers: false, vhost);
        using var sender = new VansSender(mailbox.BaseAddress);
        var spread = outage + TimeSpan.FromSeconds(40);
        var load = sender.SendAllAsync(messages.Select(m => m.AsTestMessage()).ToList(), 4, spread + TimeSpan.FromMinutes(5), spread);
        await Task.Delay(TimeSpan.FromSeconds(15));
        var stopped = Stopwatch.StartNew();
        await Broker.CtlAsync("stop_app");
        Console.WriteLine("   broker stopped");
        string live;
        try
        {
            await Task.Delay(outage / 2);
            live = await StatusAsync(mailbox.BaseAddress, "health/live");
            await Task.Delay(outage / 2);
        }
        finally
        {
            await Broker.CtlAsync("start_app");
        }

        Console.WriteLine($"   broker started again after {stopped.Elapsed.TotalSeconds:0} s; /health/live during the outage: {live}");
        var stats = await load;
        Console.WriteLine($"   load: {stats.Accepted} accepted, {stats.Duplicates} duplicates, {stats.Retries} resends ({stats.Unavailable} x 503), {stats.Errors.Count} errors in {stats.Elapsed.TotalSeconds:0} s");
        var problems = stats.Errors.Take(10).ToList();
        problems.AddRange(await SettleAsync(directory, messages, TimeSpan.FromMinutes(5), developmentPost: true));
        if (mailbox.Web!.HasExited || mailbox.Workers.Any(w => w.HasExited))
        {
            problems.Add("a process exited during the outage");
        }

        return problems.Select(p => "broker: " + p).ToList();
    }

    // ------------------------------------------------------------------ Digital Post outage, 500s, Fejlet

    private static async Task<List<string>> PostOutageAsync(string directory, TimeSpan down, TimeSpan errors, int failedStatuses, int count)
    {
        Console.WriteLine($"\n== post: the Digital Post fake (SF1601, WireMock) refuses connections for {down.TotalSeconds:0} s, answers 500 for {errors.TotalSeconds:0} s, then accepts; then {failedStatuses} letters get a Fejlet status");
        Directory.CreateDirectory(directory);
        var messages = Corpus.Create(count, 0, 0, Environment.TickCount & 0x7fffffff, Path.Combine(directory, "persons.json"));
        using var post = new DigitalPostFake();
        var outage = Guid.NewGuid();
        var failing = Guid.NewGuid();
        post.Server.Given(Request.Create().WithPath("/service/KombiPostAfsend_1/kombi").UsingPost()).WithGuid(outage).AtPriority(1)
            .RespondWith(Response.Create().WithFault(FaultType.EMPTY_RESPONSE));
        var settings = new Dictionary<string, string>
        {
            ["CprLookup__DevelopmentPersonsFile"] = Path.Combine(directory, "persons.json"),
            // Serviceplatformen refuses action links that are not https (the development stand-in allows loopback http).
            ["Workflow__PublicBaseUrl"] = "https://postkasse.eksempel.dk/",
            ["DigitalPost__Mode"] = "Serviceplatformen",
            ["DigitalPost__ServiceBaseUrl"] = post.BaseUrl.ToString(),
            ["DigitalPost__TokenServiceBaseUrl"] = post.BaseUrl.ToString(),
            ["DigitalPost__Cvr"] = "29189129",
            ["DigitalPost__SenderLabel"] = "Eksempel Kommune",
        };
        using var mailbox = new Mailbox(directory, settings);
        await mailbox.StartAsync(workers: 0, webRunsConsumers: true);
        var clock = Stopwatch.StartNew();
        using var sender = new VansSender(mailbox.BaseAddress);
        var stats = await sender.SendAllAsync(messages.Select(m => m.AsTestMessage()).ToList(), 4, TimeSpan.FromMinutes(5));
        var probe = new WorkflowProbe(mailbox.Database);
        Console.WriteLine($"   {stats.Accepted} referrals accepted; Digital Post down: {await probe.CountsAsync()}");
        await Task.Delay(down - clock.Elapsed > TimeSpan.Zero ? down - clock.Elapsed : TimeSpan.Zero);
        post.Server.DeleteMapping(outage);
        post.Server.Given(Request.Create().WithPath("/service/KombiPostAfsend_1/kombi").UsingPost()).WithGuid(failing).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("<fault>intern fejl</fault>"));
        Console.WriteLine($"   {clock.Elapsed.TotalSeconds:0} s: Digital Post answers 500: {await probe.CountsAsync()}; {post.Requests("/service/KombiPostAfsend_1/kombi")} send attempts so far");
        await Task.Delay(errors);
        post.Server.DeleteMapping(failing);
        Console.WriteLine($"   {clock.Elapsed.TotalSeconds:0} s: Digital Post accepts again: {await probe.CountsAsync()}");

        var (counts, done) = await probe.WaitAsync(count, TimeSpan.FromMinutes(20));
        Console.WriteLine($"   {clock.Elapsed.TotalSeconds:0} s: {(done ? "all letters sent" : "NOT all letters sent")}: {counts}; {post.Requests("/service/KombiPostAfsend_1/kombi")} send attempts in all");
        var problems = stats.Errors.Take(10).ToList();
        if (!done)
        {
            problems.Add("letters not all sent: " + counts);
        }

        // The outage and the 500s are temporary: no letter may have been given up on (failed) because of them.
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = mailbox.Database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            var givenUp = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM letters WHERE status = 'failed'");
            if (givenUp > 0)
            {
                problems.Add($"{givenUp} letters marked failed after a temporary outage");
            }
        }

        var doubled = post.Accepted.Where(a => a.Value != 1).ToList();
        if (doubled.Count > 0)
        {
            problems.Add($"{doubled.Count} letters accepted by Digital Post more than once");
        }

        // Fejlet for some letters through the real callback: their cases must be flagged, the others not.
        var connectionString = new SqliteConnectionStringBuilder { DataSource = mailbox.Database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        List<(string Id, string CaseId)> letters;
        await using (var connection = new SqliteConnection(connectionString))
        {
            letters = (await connection.QueryAsync<(string, string)>("SELECT id, case_id FROM letters ORDER BY id")).AsList();
        }

        var accepted = post.Accepted.Count;
        if (accepted != letters.Count)
        {
            problems.Add($"Digital Post accepted {accepted} letters, the mailbox has {letters.Count}");
        }

        var fejlet = letters.Take(failedStatuses).ToList();
        using (var http = new HttpClient { BaseAddress = mailbox.BaseAddress })
        {
            foreach (var letter in fejlet)
            {
                var status = $"<PKO_PostStatus><MessageUUID>{letter.Id}</MessageUUID><TransaktionsStatusKode>Fejlet</TransaktionsStatusKode><FejlDetaljer><FejlKode>memo.invalid</FejlKode></FejlDetaljer></PKO_PostStatus>";
                var body = $"<ModtagBeskedInput><Besked><BeskedIndhold><Data>{Convert.ToBase64String(Encoding.UTF8.GetBytes(status))}</Data></BeskedIndhold></Besked></ModtagBeskedInput>";
                using var content = new StringContent(body, Encoding.UTF8, "application/xml");
                using var response = await http.PostAsync(new Uri("api/digitalpost/status", UriKind.Relative), content);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    problems.Add($"status callback answered {(int)response.StatusCode}");
                }
            }
        }

        await using (var connection = new SqliteConnection(connectionString))
        {
            var flagged = (await connection.QueryAsync<string>("SELECT id FROM cases WHERE flagged = 1")).ToHashSet(StringComparer.Ordinal);
            var failedLetters = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM letters WHERE status = 'failed'");
            var expected = fejlet.Select(l => l.CaseId).ToHashSet(StringComparer.Ordinal);
            var events = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM case_events WHERE kind = 'letter-failed'");
            Console.WriteLine($"   Fejlet for {fejlet.Count} letters: {failedLetters} letters failed, {flagged.Count} cases flagged (expected {expected.Count}), {events} 'letter-failed' events on the case pages");
            if (!flagged.SetEquals(expected) || failedLetters != fejlet.Count)
            {
                problems.Add($"flagged cases {flagged.Count} differ from the cases of the Fejlet letters {expected.Count}, or failed letters {failedLetters} != {fejlet.Count}");
            }
        }

        problems.AddRange(await WorkflowOnce.ProblemsAsync(directory, count, developmentPost: false));
        return problems.Select(p => "post: " + p).ToList();
    }

    // ------------------------------------------------------------------ hostile inputs

    private static async Task<List<string>> HostileAsync(string directory, int count, int concurrency, int seed)
    {
        Console.WriteLine($"\n== hostile: {count} malformed or hostile inputs ({HostileInputs.Kinds.Length} kinds, seed {seed}), concurrency {concurrency}");
        Directory.CreateDirectory(directory);
        using var mailbox = new Mailbox(directory, new Dictionary<string, string>());
        await mailbox.StartAsync(workers: 0, webRunsConsumers: true);
        var pid = mailbox.Web!.Id;
        var clock = Stopwatch.StartNew();
        await using var memory = new MemorySampler(() => pid, clock);
        var generator = new HostileInputs(seed);
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<(string Kind, int Status), int>();
        var gate = new Lock();
        using var inputs = generator.Generate(count).GetEnumerator();
        using var http = new HttpClient { BaseAddress = mailbox.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        var senders = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                HostileInput input;
                lock (gate)
                {
                    if (!inputs.MoveNext())
                    {
                        return;
                    }

                    input = inputs.Current;
                }

                using var content = new ByteArrayContent(input.Body);
                if (input.ContentType is not null)
                {
                    content.Headers.TryAddWithoutValidation("Content-Type", input.ContentType);
                }

                try
                {
                    using var response = await http.PostAsync(new Uri("api/intake", UriKind.Relative), content);
                    var body = await response.Content.ReadAsStringAsync();
                    statuses.AddOrUpdate((input.Kind, (int)response.StatusCode), 1, (_, n) => n + 1);
                    if (HostileInputs.Check(input, (int)response.StatusCode, body) is { } problem)
                    {
                        problems.Enqueue(problem);
                    }
                }
                catch (HttpRequestException e)
                {
                    // The oversize inputs may be cut off by the server before the whole body is sent; that is a refusal, not a crash.
                    if (input.Kind != "oversize" || mailbox.Web.HasExited)
                    {
                        problems.Enqueue($"#{input.Number} {input.Kind}: {e.GetType().Name} {e.Message}");
                    }
                    else
                    {
                        statuses.AddOrUpdate((input.Kind, 0), 1, (_, n) => n + 1);
                    }
                }
            }
        })).ToList();
        await Task.WhenAll(senders);
        var elapsed = clock.Elapsed;

        // Still alive, still the same process, and still accepting a valid message.
        var valid = Corpus.Create(1, 0, 0, seed, Path.Combine(directory, "persons.json"))[0];
        var list = problems.ToList();
        int afterStatus;
        try
        {
            afterStatus = (await PostAsync(http, valid)).Status;
        }
        catch (HttpRequestException)
        {
            afterStatus = 0;
        }

        if (mailbox.Web.HasExited)
        {
            list.Insert(0, "the web process crashed: " + mailbox.Web.LogTail(5).ReplaceLineEndings(" | "));
        }

        if (afterStatus != 202)
        {
            list.Add($"a valid message afterwards got {afterStatus}");
        }

        var fiveHundreds = statuses.Where(s => s.Key.Status >= 500).Sum(s => s.Value);
        // Everything the mailbox wrote under its data directory (database, WAL, quarantine, answers): the amplification figure.
        var written = new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Console.WriteLine($"   {count} inputs in {elapsed.TotalSeconds:0} s: {fiveHundreds} answers 5xx, {list.Count} problems; RSS peak {memory.PeakMb:0} MB, steady {memory.SteadyMb():0} MB; afterwards a valid message: {afterStatus}");
        Console.WriteLine($"   written: {written / 1048576.0:0.0} MB under the data directory, {written / (double)count:0} bytes per input");
        foreach (var group in statuses.GroupBy(s => s.Key.Kind).OrderBy(g => g.Key))
        {
            Console.WriteLine($"     {group.Key,-24} {string.Join(", ", group.OrderBy(s => s.Key.Status).Select(s => $"{(s.Key.Status == 0 ? "cut off" : s.Key.Status.ToString(CultureInfo.InvariantCulture))} x{s.Value}"))}");
        }

        return list.Take(20).Select(p => "hostile: " + p).ToList();
    }

    // ------------------------------------------------------------------ database locked, disk full

    private static async Task<List<string>> LockedAsync(string directory, TimeSpan hold)
    {
        Console.WriteLine($"\n== locked: another process holds the database's write lock for {hold.TotalSeconds:0} s (BEGIN EXCLUSIVE)");
        Directory.CreateDirectory(directory);
        var messages = Corpus.Create(2, 0, 0, Environment.TickCount & 0x7fffffff, Path.Combine(directory, "persons.json"));
        using var mailbox = new Mailbox(directory, new Dictionary<string, string> { ["CprLookup__DevelopmentPersonsFile"] = Path.Combine(directory, "persons.json") });
        await mailbox.StartAsync(workers: 0, webRunsConsumers: true);
        using var http = new HttpClient { BaseAddress = mailbox.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        var problems = new List<string>();
        await using (var locker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = mailbox.Database, Pooling = false }.ToString()))
        {
            await locker.OpenAsync();
            await locker.ExecuteAsync("BEGIN EXCLUSIVE;");
            var clock = Stopwatch.StartNew();
            var (status, retryAfter) = await PostAsync(http, messages[0]);
            Console.WriteLine($"   while locked: {status} (Retry-After {retryAfter}) after {clock.Elapsed.TotalSeconds:0.0} s");
            if (status != 503)
            {
                problems.Add($"locked: intake answered {status}, not 503");
            }

            var rest = hold - clock.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }

            await locker.ExecuteAsync("ROLLBACK;");
        }

        var (again, _) = await PostAsync(http, messages[0]);
        var (other, _) = await PostAsync(http, messages[1]);
        Console.WriteLine($"   after the lock: the same message {again}, another {other}");
        if (again != 202 || other != 202)
        {
            problems.Add($"locked: after the lock the intake answered {again} and {other}, not 202");
        }

        return problems;
    }

    private static async Task<List<string>> DiskFullAsync(string directory)
    {
        Console.WriteLine("\n== disk-full: the data directory on a 16 MB tmpfs, filled up");
        Directory.CreateDirectory(directory);
        try
        {
            await Broker.ShellAsync($"mount -t tmpfs -o size=16m medcom-bench-tmpfs '{directory}'");
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine("   skipped: cannot mount a tmpfs here (needs root): " + e.Message.Split('\n')[0]);
            return [];
        }

        var problems = new List<string>();
        try
        {
            var register = Path.Combine(Path.GetTempPath(), "medcom-bench-disk-persons.json");
            var messages = Corpus.Create(3, 0, 0, Environment.TickCount & 0x7fffffff, register);
            using (var mailbox = new Mailbox(directory, new Dictionary<string, string> { ["CprLookup__DevelopmentPersonsFile"] = register }))
            {
                await mailbox.StartAsync(workers: 0, webRunsConsumers: true);
                using var http = new HttpClient { BaseAddress = mailbox.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
                var (first, _) = await PostAsync(http, messages[0]);
                var filler = Path.Combine(directory, "filler");
                await Broker.ShellAsync($"dd if=/dev/zero of='{filler}' bs=64k 2>/dev/null || true");
                var (full, retryAfter) = await PostAsync(http, messages[1]);
                Console.WriteLine($"   before filling: {first}; disk full: {full} (Retry-After {retryAfter}); process alive: {!mailbox.Web!.HasExited}");
                if (full != 503)
                {
                    problems.Add($"disk-full: intake answered {full}, not 503");
                }

                File.Delete(filler);
                var (again, _) = await PostAsync(http, messages[1]);
                var (other, _) = await PostAsync(http, messages[2]);
                Console.WriteLine($"   space again: the same message {again}, another {other}");
                if (again != 202 || other != 202)
                {
                    problems.Add($"disk-full: after freeing space the intake answered {again} and {other}, not 202");
                }
            }

            File.Delete(register);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            await Broker.ShellAsync($"umount '{directory}' || umount -l '{directory}'");
        }

        return problems;
    }

    private static async Task<(int Status, string? RetryAfter)> PostAsync(HttpClient http, LoadMessage message)
    {
        using var content = new ByteArrayContent(message.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue(message.ContentType);
        using var response = await http.PostAsync(new Uri("api/intake", UriKind.Relative), content);
        return ((int)response.StatusCode, response.Headers.RetryAfter?.ToString());
    }

    private static async Task<string> StatusAsync(Uri baseAddress, string path)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException e)
        {
            return e.GetType().Name;
        }
        catch (TaskCanceledException)
        {
            return "timeout";
        }
    }
}
