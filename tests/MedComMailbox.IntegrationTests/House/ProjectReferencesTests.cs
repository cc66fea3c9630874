using System.Xml.Linq;
using MedComMailbox.Tests;

namespace MedComMailbox.IntegrationTests.House;

/// <summary>
/// The layering each project's README states, read from the csproj files: a reference the README forbids fails here,
/// not in a reviewer's head. MedCom and Core know no framework; Infrastructure knows neither the domain nor the workflow;
/// Web and Worker host the workflow; SQL (Dapper) lives only in Infrastructure and Workflow.
/// </summary>
public sealed class ProjectReferencesTests
{
    internal static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["MedComMailbox.Contracts"] = [],
        ["MedComMailbox.MedCom"] = [],
        ["MedComMailbox.Core"] = [],
        ["MedComMailbox.Infrastructure"] = ["MedComMailbox.MedCom", "MedComMailbox.Contracts"],
        ["MedComMailbox.Workflow"] = ["MedComMailbox.Core", "MedComMailbox.Infrastructure"],
        ["MedComMailbox.Web"] = ["MedComMailbox.Workflow"],
        ["MedComMailbox.Worker"] = ["MedComMailbox.Workflow"],
        ["MedComMailbox.Cli"] = ["MedComMailbox.MedCom", "MedComMailbox.Web"],
    };

    private static readonly string Src = Path.Combine(RepoPaths.Root, "src");

    /// <summary>The projects <paramref name="project"/> may use, directly or through the projects it references.</summary>
    internal static HashSet<string> Reachable(string project)
    {
        var reachable = new HashSet<string>(StringComparer.Ordinal) { project };
        var next = new Queue<string>([project]);
        while (next.TryDequeue(out var current))
        {
            foreach (var referenced in Allowed.GetValueOrDefault(current, []).Where(reachable.Add))
            {
                next.Enqueue(referenced);
            }
        }

        return reachable;
    }

    [Fact]
    public void Every_src_project_references_only_what_its_readme_allows()
    {
        var projects = Directory.GetDirectories(Src).Select(Path.GetFileName).OfType<string>().Order().ToList();
        Assert.Equal(Allowed.Keys.Order(), projects); // a new project gets a line here and a README

        foreach (var project in projects)
        {
            var references = ProjectElements(project, "ProjectReference")
                .Select(include => Path.GetFileNameWithoutExtension(include.Replace('\\', '/')))
                .ToList();
            var forbidden = references.Except(Allowed[project]).ToList();
            Assert.True(forbidden.Count == 0, $"{project} references {string.Join(", ", forbidden)}, which its README does not allow");
            Assert.True(File.Exists(Path.Combine(Src, project, "README.md")), $"{project} has no README.md");
        }
    }

    [Fact]
    public void Sql_lives_only_in_infrastructure_and_workflow()
    {
        foreach (var project in Allowed.Keys.Except(["MedComMailbox.Infrastructure", "MedComMailbox.Workflow"]))
        {
            Assert.DoesNotContain("Dapper", ProjectElements(project, "PackageReference"));
            var sources = Directory.EnumerateFiles(Path.Combine(Src, project), "*.cs*", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                         && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                         && (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal)));
            Assert.DoesNotContain(sources, f => File.ReadAllText(f).Contains("using Dapper", StringComparison.Ordinal));
        }
    }

    private static IEnumerable<string> ProjectElements(string project, string element) =>
        XDocument.Load(Path.Combine(Src, project, project + ".csproj")).Descendants(element)
            .Select(e => (string?)e.Attribute("Include")).OfType<string>();
}
