using System.Text.RegularExpressions;
using MedComMailbox.Tests;

namespace MedComMailbox.IntegrationTests.House;

/// <summary>
/// One owner per table (the projects' READMEs): every INSERT, UPDATE and DELETE on a table is in one file, its store. A
/// second file that writes a table fails here, with both files named.
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

    private static Dictionary<string, HashSet<string>> WritersBySourceFile(string root)
    {
        var writers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match match in Write().Matches(File.ReadAllText(file)))
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
}
