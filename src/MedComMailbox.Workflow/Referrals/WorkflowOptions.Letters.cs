using System.ComponentModel.DataAnnotations;
using MedComMailbox.Core.Letters;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>The letter texts (<c>Workflow:Letters</c>) and their validation: a bad template fails at start-up, not in a letter.</summary>
public sealed partial class WorkflowOptions
{
    private IEnumerable<ValidationResult> LetterProblems()
    {
        foreach (var (kind, letter) in Letters)
        {
            string? problem = null;
            try
            {
                if (string.IsNullOrWhiteSpace(letter.Title) || string.IsNullOrWhiteSpace(letter.Text))
                {
                    problem = "Title and Text are both required (leave the kind out to keep the built-in Danish text).";
                }
                else
                {
                    LetterTemplate.Create(kind, letter.Title, letter.Text);
                    // The template only recognises ASCII names; anything else in double braces would reach the citizen verbatim.
                    var allowed = LetterPlaceholders.For(kind);
                    var stray = System.Text.RegularExpressions.Regex.Matches(letter.Text, @"\{\{(.*?)\}\}")
                        .Select(m => m.Groups[1].Value.Trim())
                        .Where(name => !allowed.Contains(name))
                        .Distinct(StringComparer.Ordinal)
                        .ToList();
                    if (stray.Count > 0)
                    {
                        problem = $"unknown placeholder(s) {string.Join(", ", stray.Select(u => "{{" + u + "}}"))}; allowed: {string.Join(", ", allowed.Select(a => "{{" + a + "}}"))}.";
                    }
                }
            }
            catch (Exception e) when (e is LetterTemplateException or ArgumentException)
            {
                problem = e.Message;
            }

            if (problem is not null)
            {
                yield return new ValidationResult($"Workflow:Letters:{kind}: {problem}", [nameof(Letters)]);
            }
        }
    }

    public sealed class LetterOptions
    {
        public string Title { get; set; } = "";
        public string Text { get; set; } = "";
    }
}
