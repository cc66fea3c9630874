using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Tests;

namespace MedComMailbox.Cli.Tests;

/// <summary>
/// docs/operations.en.md and docs/operations.da.md list the production checklist that the web process, the worker and
/// check-config enforce: the same items in the same order, the English one with the very sentences the code prints.
/// </summary>
public sealed class ProductionChecklistDocsTests
{
    private static List<string> Items(string file, string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", file));
        var start = Array.FindIndex(lines, l => l.StartsWith("## ", StringComparison.Ordinal) && l.Contains(heading, StringComparison.Ordinal));
        Assert.True(start >= 0, $"{file} has no section '{heading}'");
        return lines.Skip(start + 1)
            .TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("- [ ] ", StringComparison.Ordinal))
            .Select(l => l[6..].Trim())
            .ToList();
    }

    [Fact]
    public void The_english_checklist_lists_exactly_the_sentences_the_hosts_print() =>
        Assert.Equal(ProductionChecklist.Items.Select(i => i.Sentence), Items("operations.en.md", "Production checklist"));

    [Fact]
    public void The_danish_checklist_has_the_same_items_naming_the_same_settings()
    {
        var danish = Items("operations.da.md", "Tjekliste før produktion");

        Assert.Equal(ProductionChecklist.Items.Count, danish.Count);
        for (var i = 0; i < danish.Count; i++)
        {
            Assert.Contains($"`{ProductionChecklist.Items[i].Setting}`", danish[i], StringComparison.Ordinal);
        }
    }
}
