using System.Text.RegularExpressions;
using MedComMailbox.Tests;

namespace MedComMailbox.IntegrationTests.House;

/// <summary>
/// One owner per table (the projects' READMEs): every INSERT, UPDATE and DELETE on a table is in one file, its store. A
/// second file that writes a table fails here, with both files named. The project of that file owns the table, and a
/// project that may not reference the owner (Infrastructure may not know Workflow) names the table in no SQL: it asks
/// the owner through an interface it defines (<c>IOverdueDeadlines</c>, <c>IFailureSource</c>, <c>IConsentCounts</c>).
/// </summary>
public sealed partial class TableWritersTests
{
    [Fact]
    public void Every_table_is_written_by_one_file()
    {
        var writers = WritersBySourceFile(Path.Combine(RepoPaths.Root, "src"));

        Assert.Contains("deadlines", writers.Keys);
        Assert.Contains("consent_tokens", writers.Keys);
        Assert.True(writers.Count > 10, $"only {writers.Count} written tables were found");
        var shared = writers.Where(w => w.Value.Count > 1).Select(w => $"{w.Key}: {string.Join(", ", w.Value.Order(StringComparer.Ordinal))}").ToList();
        Assert.True(shared.Count == 0, "Tables with more than one writer:\n" + string.Join("\n", shared));
    }

    /// <summary>The check finds a second writer (so the test above can fail).</summary>
    [Fact]
    public void The_check_names_a_second_writer()
    {
        var root = Directory.CreateTempSubdirectory("writers").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "A.cs"), "const string Sql = \"UPDATE deadlines SET done_at = @now WHERE id = @id\";");
            File.WriteAllText(Path.Combine(root, "B.cs"), "const string Sql = \"DELETE FROM  deadlines WHERE case_id IN @ids\";");
            File.WriteAllText(Path.Combine(root, "C.cs"), "const string Sql = \"INSERT INTO deadlines_archive (id) VALUES (@id)\";");

            var writers = WritersBySourceFile(root);

            Assert.Equal(["A.cs", "B.cs"], writers["deadlines"].Order(StringComparer.Ordinal));
            Assert.Equal(["C.cs"], writers["deadlines_archive"]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// SQL in files another engineer is changing at the moment; each line says what it reads. A line no longer needed
    /// fails the test, so the list only shrinks.
    /// </summary>
    private static readonly HashSet<(string File, string Table)> NotYetMoved =
    [
        // RequeueUnconsumedAsync (after a restart on the in-memory bus) reads the workflow's consumers' ledger.
        ("MedComMailbox.Infrastructure/Outbox/OutboxStore.cs", "consumed"),
    ];

    [Fact]
    public void No_project_names_in_sql_a_table_owned_by_a_project_it_may_not_reference()
    {
        var src = Path.Combine(RepoPaths.Root, "src");
        var owners = OwnerProjects(WritersBySourceFile(src));
        Assert.Equal("MedComMailbox.Workflow", owners["deadlines"]);
        Assert.Equal("MedComMailbox.Infrastructure", owners["messages"]);

        var foreign = ForeignReads(src, owners, ProjectReferencesTests.Reachable);
        var unexpected = foreign.Except(NotYetMoved).Select(f => $"{f.File} names {f.Table} ({owners[f.Table]}'s)").ToList();
        Assert.True(unexpected.Count == 0, "SQL on a table of a project the file's project may not reference:\n" + string.Join("\n", unexpected));
        Assert.Empty(NotYetMoved.Except(foreign));
    }

    /// <summary>The check finds a read of another project's table (so the test above can fail).</summary>
    [Fact]
    public void The_check_names_a_read_of_a_table_the_project_may_not_know()
    {
        var root = Directory.CreateTempSubdirectory("owners").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "Low", "Sweeps"));
            Directory.CreateDirectory(Path.Combine(root, "High"));
            File.WriteAllText(Path.Combine(root, "High", "DeadlineStore.cs"), "const string Sql = \"UPDATE deadlines SET done_at = @now\";");
            File.WriteAllText(Path.Combine(root, "Low", "OwnStore.cs"), "const string Sql = \"DELETE FROM own WHERE id = @id\";");
            File.WriteAllText(Path.Combine(root, "Low", "Sweeps", "Sweep.cs"), "const string Sql = \"SELECT COUNT(*) FROM own o JOIN deadlines d ON d.id = o.id\";");
            File.WriteAllText(Path.Combine(root, "High", "Page.cs"), "const string Sql = \"SELECT * FROM own\";");

            var owners = OwnerProjects(WritersBySourceFile(root));
            var foreign = ForeignReads(root, owners, p => p == "High" ? new HashSet<string> { "High", "Low" } : new HashSet<string> { p });

            Assert.Equal(new[] { ("Low/Sweeps/Sweep.cs", "deadlines") }, foreign.ToArray());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Each table's owner: the project (first folder under src) of the one file that writes it.</summary>
    private static Dictionary<string, string> OwnerProjects(Dictionary<string, HashSet<string>> writers) =>
        writers.ToDictionary(w => w.Key, w => w.Value.Order(StringComparer.Ordinal).First().Split('/')[0], StringComparer.Ordinal);

    /// <summary>Every (file, table) where a file's SQL names a table whose owner its project cannot reach.</summary>
    private static HashSet<(string File, string Table)> ForeignReads(string root, Dictionary<string, string> owners, Func<string, IReadOnlySet<string>> reachable)
    {
        var foreign = new HashSet<(string, string)>();
        foreach (var (relative, text) in SourceFiles(root))
        {
            var known = reachable(relative.Split('/')[0]);
            foreach (Match match in Named().Matches(text))
            {
                var table = match.Groups["table"].Value;
                if (owners.TryGetValue(table, out var owner) && !known.Contains(owner))
                {
                    foreign.Add((relative, table));
                }
            }
        }

        return foreign;
    }

    private static IEnumerable<(string Relative, string Text)> SourceFiles(string root)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (!relative.Contains("/bin/", StringComparison.Ordinal) && !relative.Contains("/obj/", StringComparison.Ordinal))
            {
                yield return (relative, File.ReadAllText(file));
            }
        }
    }

    private static Dictionary<string, HashSet<string>> WritersBySourceFile(string root)
    {
        var writers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (relative, text) in SourceFiles(root))
        {
            foreach (Match match in Write().Matches(text))
            {
                var table = match.Groups["table"].Value;
                if (!writers.TryGetValue(table, out var files))
                {
                    writers[table] = files = new HashSet<string>(StringComparer.Ordinal);
                }

                files.Add(relative);
            }
        }

        return writers;
    }

    [GeneratedRegex(@"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?<table>[a-z_]+)\b")]
    private static partial Regex Write();

    /// <summary>A table named in SQL: read (FROM, JOIN) or written (INTO, UPDATE).</summary>
    [GeneratedRegex(@"\b(?:FROM|JOIN|INTO|UPDATE)\s+(?<table>[a-z_]+)\b")]
    private static partial Regex Named();
}
