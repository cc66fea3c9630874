namespace MedComMailbox.MedCom;

/// <summary>
/// Bounds on what a hostile message can make us say: at most <see cref="MaxIssues"/> issues in an answer or a negative
/// acknowledgement (the last one counts the rest), each text and location cut to <see cref="MaxTextLength"/> characters.
/// A message with a million errors gets the same few kilobytes back as one with a hundred.
/// </summary>
public static class IssueLimits
{
    public const int MaxIssues = 100;
    public const int MaxTextLength = 300;
    public const string MoreIssuesCode = "more-issues";

    /// <summary>The issues to show: all of them when there are at most <paramref name="max"/>, else the first max-1 and a count of the rest.</summary>
    public static IReadOnlyList<MedComIssue> Limit(IReadOnlyList<MedComIssue> issues, int max = MaxIssues)
    {
        max = Math.Max(1, max);
        if (issues.Count <= max && issues.All(Short))
        {
            return issues;
        }

        if (issues.Count <= max)
        {
            return issues.Select(Cut).ToList();
        }

        var shown = issues.Take(max - 1).Select(Cut).ToList();
        var rest = issues.Count - shown.Count;
        var severity = issues.Skip(shown.Count).Any(i => i.IsBlocking) ? MedComIssueSeverity.Error : MedComIssueSeverity.Warning;
        shown.Add(new MedComIssue(MoreIssuesCode, severity, $"{rest} yderligere fejl er ikke vist", $"{rest} further issues are not shown"));
        return shown;
    }

    private static bool Short(MedComIssue issue) =>
        issue.TextDa.Length <= MaxTextLength && issue.TextEn.Length <= MaxTextLength && (issue.Location?.Length ?? 0) <= MaxTextLength;

    private static MedComIssue Cut(MedComIssue issue) => Short(issue) ? issue : issue with
    {
        TextDa = Truncate(issue.TextDa),
        TextEn = Truncate(issue.TextEn),
        Location = issue.Location is null ? null : Truncate(issue.Location),
    };

    private static string Truncate(string text) => text.Length <= MaxTextLength ? text : string.Concat(text.AsSpan(0, MaxTextLength - 1), "…");
}
