using System.Text;
using System.Text.RegularExpressions;

namespace MedComMailbox.Core.Letters;

/// <summary>The letters the workflow sends. Each has a template in configuration so a municipality changes wording without code.</summary>
public enum LetterKind
{
    GpReceipt,
    ConsentRequest,
    ConsentReminder,
    ClosedNoConsent,
    Decision,
    /// <summary>A meeting of the child's course is planned: the family and the GP are told when and where.</summary>
    CourseMeeting,
    /// <summary>Consent was refused or withdrawn: the GP and the other parties are told the case stopped (never by whom).</summary>
    ConsentStopped,
    /// <summary>The GP's receipt of a re-referral that joined the child's still valid consent: no new consent requests (only to anyone not yet asked).</summary>
    GpReceiptConsentJoined,
    // The letters to a child of the consent age (15) or more: the same letters, written to the child ("du", "din læge"),
    // not in the parents' voice. The letter row keeps the parents' kind; only the text differs (ChildLetters.For).
    /// <summary><see cref="ConsentRequest"/> written to the child.</summary>
    ChildConsentRequest,
    /// <summary><see cref="ConsentReminder"/> written to the child.</summary>
    ChildConsentReminder,
    /// <summary><see cref="ClosedNoConsent"/> written to the child.</summary>
    ChildClosedNoConsent,
    /// <summary><see cref="Decision"/> written to the child.</summary>
    ChildDecision,
    /// <summary><see cref="CourseMeeting"/> written to the child.</summary>
    ChildCourseMeeting,
    /// <summary><see cref="ConsentStopped"/> written to the child.</summary>
    ChildConsentStopped,
}

/// <summary>Which template a Digital Post letter to the child uses: the child's own text of the same letter.</summary>
public static class ChildLetters
{
    /// <summary>The kind whose text a letter of <paramref name="kind"/> to the child is written with (the kind itself when there is no child's text).</summary>
    public static LetterKind For(LetterKind kind) => kind switch
    {
        LetterKind.ConsentRequest => LetterKind.ChildConsentRequest,
        LetterKind.ConsentReminder => LetterKind.ChildConsentReminder,
        LetterKind.ClosedNoConsent => LetterKind.ChildClosedNoConsent,
        LetterKind.Decision => LetterKind.ChildDecision,
        LetterKind.CourseMeeting => LetterKind.ChildCourseMeeting,
        LetterKind.ConsentStopped => LetterKind.ChildConsentStopped,
        _ => kind,
    };

    /// <summary>The parents' letter a child's text stands in for, or null for a kind that is not a child's text.</summary>
    public static LetterKind? ParentsKind(LetterKind kind) => kind switch
    {
        LetterKind.ChildConsentRequest => LetterKind.ConsentRequest,
        LetterKind.ChildConsentReminder => LetterKind.ConsentReminder,
        LetterKind.ChildClosedNoConsent => LetterKind.ClosedNoConsent,
        LetterKind.ChildDecision => LetterKind.Decision,
        LetterKind.ChildCourseMeeting => LetterKind.CourseMeeting,
        LetterKind.ChildConsentStopped => LetterKind.ConsentStopped,
        _ => null,
    };
}

/// <summary>
/// A letter template with <c>{{placeholder}}</c> fields. The placeholders a kind of letter may use are fixed
/// (<see cref="LetterPlaceholders"/>), so a typo in configuration is caught at start-up, not in a citizen's letter.
/// </summary>
public sealed partial class LetterTemplate
{
    private readonly string _text;

    private LetterTemplate(LetterKind kind, string title, string text, IReadOnlyList<string> placeholders)
    {
        Kind = kind;
        Title = title;
        _text = text;
        Placeholders = placeholders;
    }

    public LetterKind Kind { get; }

    /// <summary>The title shown in notifications: never personal or health data (Digital Post shows it on lock screens).</summary>
    public string Title { get; }

    public IReadOnlyList<string> Placeholders { get; }

    /// <summary>Parses and checks a template: every placeholder must be one this kind of letter supplies.</summary>
    public static LetterTemplate Create(LetterKind kind, string title, string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var allowed = LetterPlaceholders.For(kind);
        var used = PlaceholderPattern().Matches(text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        var unknown = used.Where(p => !allowed.Contains(p)).ToList();
        if (unknown.Count > 0)
        {
            throw new LetterTemplateException(kind, $"unknown placeholder(s) {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))}; allowed: {string.Join(", ", allowed.Select(a => "{{" + a + "}}"))}");
        }

        if (PlaceholderPattern().Count(title) > 0)
        {
            throw new LetterTemplateException(kind, "the title may not contain placeholders: it is shown in notifications and must carry no personal data");
        }

        return new LetterTemplate(kind, title, text, used);
    }

    /// <summary>Fills the template. A value missing for a used placeholder is a programming error, not a blank in a letter.</summary>
    public string Render(IReadOnlyDictionary<string, string> values)
    {
        var missing = Placeholders.Where(p => !values.ContainsKey(p)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"No value for {string.Join(", ", missing)} in the {Kind} letter.");
        }

        var builder = new StringBuilder(_text.Length + 256);
        var last = 0;
        foreach (Match match in PlaceholderPattern().Matches(_text))
        {
            builder.Append(_text, last, match.Index - last).Append(values[match.Groups[1].Value]);
            last = match.Index + match.Length;
        }

        return builder.Append(_text, last, _text.Length - last).ToString();
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}")]
    private static partial Regex PlaceholderPattern();
}

/// <summary>A template that cannot be used; the message says which letter and what is wrong.</summary>
public sealed class LetterTemplateException(LetterKind kind, string problem)
    : Exception($"Letter template '{kind}': {problem}.")
{
    public LetterKind Kind { get; } = kind;
}

/// <summary>The placeholders each kind of letter supplies.</summary>
public static class LetterPlaceholders
{
    private static readonly string[] Common = ["municipality", "committee", "committeePhone", "committeeEmail", "childName", "childCpr", "gpName", "receivedDate"];

    public static IReadOnlySet<string> For(LetterKind kind) => ChildLetters.ParentsKind(kind) is { } parents ? For(parents) : kind switch
    {
        LetterKind.GpReceipt => Set(Common),
        // stillToConsent: a sentence on who is still asked for consent, empty when the joined consent covers everyone.
        LetterKind.GpReceiptConsentJoined => Set([.. Common, "stillToConsent"]),
        LetterKind.ConsentRequest => Set([.. Common, "recipientName", "consentLink", "deadline"]),
        LetterKind.ConsentReminder => Set([.. Common, "recipientName", "consentLink", "deadline"]),
        LetterKind.ClosedNoConsent => Set([.. Common, "recipientName"]),
        LetterKind.Decision => Set([.. Common, "recipientName", "meetingDate", "outcome", "responsibleParty", "summary"]),
        LetterKind.CourseMeeting => Set([.. Common, "recipientName", "meetingKind", "meetingTime", "meetingPlace", "responsibleParty"]),
        LetterKind.ConsentStopped => Set([.. Common, "recipientName"]),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static HashSet<string> Set(IEnumerable<string> names) => new(names, StringComparer.Ordinal);
}
