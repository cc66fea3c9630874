using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;
using Dapper;
using Hl7.Fhir.Serialization;
using MedComMailbox.MedCom;
using Microsoft.Data.Sqlite;

namespace MedComMailbox.Bench;

/// <summary>Microseconds per message for one way of reading a set of payloads.</summary>
internal sealed record ParseFigure(string Payloads, int Distinct, double RawMicros, double OursMicros)
{
    public double Ratio => OursMicros / RawMicros;
}

/// <summary>
/// The in-process baselines of the same run: Firely's raw parse of the same payloads against our parse + validate
/// (<see cref="InboundReader"/>: sniff, parse, MedCom rules, summary), and the SQLite single-row commit rate on the disk
/// the mailbox writes to. Single-threaded, after a warm-up, each for a fixed time.
/// </summary>
internal static class Baselines
{
    private static readonly MailboxIdentity[] Ours =
    [
        new("5790000991006", "1234561000016001", "Koordinationsudvalget for børn og unge, Eksempel Kommune"),
        new("5790000991013", "1234571000016003", "Sundhedsplejen, Eksempel Kommune"),
    ];

    public static IReadOnlyList<ParseFigure> Parse(IReadOnlyList<LoadMessage> corpus, TimeSpan each, bool validateProfiles = true)
    {
        var reader = new InboundReader(Ours, validateProfiles: validateProfiles);
        // The same strict deserializer settings as FhirCodec: the difference is what we do beyond the SDK's parse.
        var firely = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
        var xmlSettings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        var figures = new List<ParseFigure>();
        foreach (var group in corpus.GroupBy(m => m.Kind).OrderBy(g => g.Key))
        {
            var payloads = group.Take(200).ToList();
            Func<LoadMessage, object?> raw = group.Key == LoadKind.OioXml
                ? m =>
                {
                    using var stream = new MemoryStream(m.Body, writable: false);
                    using var xml = XmlReader.Create(stream, xmlSettings);
                    return XDocument.Load(xml);
                }
                : m =>
                {
                    firely.TryDeserializeResource(new System.Text.Json.Utf8JsonReader(m.Body), out var resource, out _);
                    return resource;
                };
            Func<LoadMessage, object?> ours = m =>
            {
                var result = reader.Read(m.Body, m.ContentType);
                return result.Issues.Any(i => i.IsBlocking) ? throw new InvalidOperationException($"#{m.Number} is not valid: {string.Join(", ", result.Issues.Select(i => i.Code))}") : result;
            };

            // Many short interleaved rounds, and the median of each side: a burst of noise from other processes on the
            // machine hits a few rounds, not the figure.
            var rawRounds = new List<double>();
            var oursRounds = new List<double>();
            Time(raw, payloads, TimeSpan.FromMilliseconds(300));
            Time(ours, payloads, TimeSpan.FromMilliseconds(300));
            const int Rounds = 20;
            for (var round = 0; round < Rounds; round++)
            {
                var (t1, n1) = Time(raw, payloads, each / Rounds);
                var (t2, n2) = Time(ours, payloads, each / Rounds);
                rawRounds.Add(t1 * 1e6 / n1);
                oursRounds.Add(t2 * 1e6 / n2);
            }

            figures.Add(new ParseFigure(Describe(group.Key), payloads.Count, Stats.Percentile(rawRounds, 50), Stats.Percentile(oursRounds, 50)));
        }

        return figures;
    }

    /// <summary>
    /// CPU time per message (µs) of Firely's raw parse, ours with profiles off and ours with profiles on, each side run
    /// until it has used <paramref name="budget"/> of CPU: on a shared machine wall time mostly measures the others.
    /// </summary>
    public static IReadOnlyList<(string Payloads, double Raw, double Rules, double Profiles)> ParseCpu(IReadOnlyList<LoadMessage> corpus, TimeSpan budget)
    {
        var rules = new InboundReader(Ours, validateProfiles: false);
        var profiles = new InboundReader(Ours, validateProfiles: true);
        var firely = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
        var figures = new List<(string, double, double, double)>();
        foreach (var group in corpus.Where(m => m.Kind != LoadKind.OioXml).GroupBy(m => m.Kind).OrderBy(g => g.Key))
        {
            var payloads = group.Take(200).ToList();
            Func<LoadMessage, object?> raw = m =>
            {
                firely.TryDeserializeResource(new System.Text.Json.Utf8JsonReader(m.Body), out var resource, out _);
                return resource;
            };
            var r = CpuPerMessage(raw, payloads, budget);
            var a = CpuPerMessage(m => rules.Read(m.Body, m.ContentType), payloads, budget);
            var b = CpuPerMessage(m => profiles.Read(m.Body, m.ContentType), payloads, budget);
            figures.Add((Describe(group.Key), r, a, b));
        }

        return figures;
    }

    private static double CpuPerMessage(Func<LoadMessage, object?> work, List<LoadMessage> payloads, TimeSpan budget)
    {
        for (var i = 0; i < Math.Min(20, payloads.Count); i++)
        {
            GC.KeepAlive(work(payloads[i]));
        }

        var process = Process.GetCurrentProcess();
        process.Refresh();
        var start = process.TotalProcessorTime;
        long n = 0;
        TimeSpan used;
        do
        {
            GC.KeepAlive(work(payloads[(int)(n % payloads.Count)]));
            n++;
            process.Refresh();
            used = process.TotalProcessorTime - start;
        }
        while (used < budget);

        return used.TotalMicroseconds / n;
    }

    /// <summary>Single-row transactions per second on a fresh file beside the mailbox's, with the mailbox's pragmas (WAL, synchronous=FULL).</summary>
    public static async Task<double> SqliteCommitsPerSecondAsync(string directory, TimeSpan duration)
    {
        var file = Path.Combine(directory, "commit-baseline.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString();
        var row = new byte[10 * 1024];
        Random.Shared.NextBytes(row);
        long commits = 0;
        double seconds;
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id TEXT NOT NULL PRIMARY KEY, body BLOB NOT NULL);");
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await connection.ExecuteAsync("INSERT INTO t (id, body) VALUES (@id, @row)", new { id = Guid.NewGuid().ToString(), row }, transaction);
                await transaction.CommitAsync();
                commits++;
            }

            seconds = clock.Elapsed.TotalSeconds;
        }

        SqliteConnection.ClearAllPools();
        foreach (var leftover in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(leftover);
        }

        return commits / seconds;
    }

    private static string Describe(LoadKind kind) => kind switch
    {
        LoadKind.Referral => "CareCommunication referral, FHIR JSON ~10 KB",
        LoadKind.ReferralWithPdf => "referral + 200 KB PDF, FHIR JSON ~290 KB",
        _ => "OIOXML XDIS91 letter ~2 KB (raw = XDocument)",
    };

    private static (double Seconds, long Count) Time(Func<LoadMessage, object?> work, List<LoadMessage> payloads, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        long n = 0;
        while (clock.Elapsed < duration)
        {
            GC.KeepAlive(work(payloads[(int)(n % payloads.Count)]));
            n++;
        }

        return (clock.Elapsed.TotalSeconds, n);
    }
}
