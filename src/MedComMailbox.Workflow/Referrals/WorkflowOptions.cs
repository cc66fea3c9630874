using System.ComponentModel.DataAnnotations;
using MedComMailbox.Core.Calendar;
using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;
using MedComMailbox.Core.Referrals;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// The referral workflow as a municipality configures it (section <c>Workflow</c>): names in letters, the consent
/// page's address, consent deadlines, the committee's meetings, triage rules and letter texts. Every default follows the pilot.
/// </summary>
public sealed partial class WorkflowOptions : IValidatableObject
{
    public const string Section = "Workflow";

    /// <summary>The municipality's name in letters.</summary>
    [Required(ErrorMessage = "Workflow:Municipality is missing: letters and replies name the municipality.")]
    public string Municipality { get; set; } = "Eksempel Kommune";

    /// <summary>The committee's name in letters and as the author of replies to the GP.</summary>
    [Required(ErrorMessage = "Workflow:Committee is missing: letters name the committee.")]
    public string Committee { get; set; } = "Koordinationsudvalget for børn og unge";

    /// <summary>The public address of this service: consent links in letters point here (must be https in production).</summary>
    [Required(ErrorMessage = "Workflow:PublicBaseUrl is missing: consent links in letters point there.")]
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:5080/");

    /// <summary>
    /// How citizens reach the committee: shown on every citizen page and at the foot of the letters to the family.
    /// Outside Development both must be configured (production checklist); the defaults are for Development only.
    /// </summary>
    public ContactOptions Contact { get; set; } = new();

    /// <summary>Who signs the GP replies (MedCom needs an author with a phone number).</summary>
    public SignatureOptions Signature { get; set; } = new();

    public ConsentOptions Consent { get; set; } = new();

    public CommitteeOptions CommitteeMeetings { get; set; } = new();

    public TriageOptions Triage { get; set; } = new();

    /// <summary>The child's course after the decision: meeting deadlines and the responsible parties the committee chooses among.</summary>
    public CourseOptions Course { get; set; } = new();

    /// <summary>The SMTP server for the hand-over notifications to responsible parties with an <c>Email</c>.</summary>
    public EmailOptions Email { get; set; } = new();

    /// <summary>
    /// Letter texts by kind (GpReceipt, GpReceiptConsentJoined, ConsentRequest, ConsentReminder, ClosedNoConsent, Decision,
    /// CourseMeeting, ConsentStopped, and the child's texts ChildConsentRequest … ChildConsentStopped); a kind left out
    /// keeps the built-in Danish text.
    /// </summary>
    public Dictionary<LetterKind, LetterOptions> Letters { get; set; } = [];

    /// <summary>How often the deadline sweep and the letter dispatcher look for due work.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "Workflow:SweepInterval must be between 50 ms and 1 hour.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    public ConsentPolicy ConsentPolicy() =>
        new(Consent.ChildConsentAge, Consent.ResponseTime, Consent.ReminderExtension, Consent.MaxValidity);

    public TriageRules TriageRules() => new(
        new HashSet<string>(Triage.ReferralCategories, StringComparer.Ordinal),
        Triage.ReferralTopicKeywords,
        new HashSet<string>(Triage.OioXmlReferralReceivers, StringComparer.Ordinal),
        Triage.RecentCaseWindow);

    public CommitteeSchedule Schedule() => new(
        CommitteeMeetings.Day,
        CommitteeMeetings.Time,
        TimeZoneInfo.FindSystemTimeZoneById(CommitteeMeetings.TimeZone),
        CommitteeMeetings.ReadingTime,
        CommitteeMeetings.MaxWorkingDaysAfterConsent,
        new HashSet<DateOnly>(CommitteeMeetings.CancelledDates));

    public Core.Course.CourseRules CourseRules() => new(
        Course.StartWithin, Course.FollowUpWithin, Course.ReminderBefore, Course.PlanNextWithin, Calendar(), TimeZoneInfo.FindSystemTimeZoneById(CommitteeMeetings.TimeZone));

    public WorkingDayCalendar Calendar() =>
        new(CommitteeMeetings.ExtraClosedDays?.Select(d => (d.Month, d.Day)) ?? WorkingDayCalendar.DefaultExtraClosedDays);

    /// <summary>
    /// The configured template of a letter, or the built-in one; a bad template fails at start-up, not in a letter. The
    /// workflow asks <see cref="LetterTemplates"/>, which puts an administrator's edit before this.
    /// </summary>
    public LetterTemplate Template(LetterKind kind) =>
        Letters.TryGetValue(kind, out var configured) ? LetterTemplate.Create(kind, configured.Title, configured.Text) : DefaultLetters.Get(kind);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in LetterProblems())
        {
            yield return result;
        }

        foreach (var problem in Problems())
        {
            yield return new ValidationResult(problem);
        }
    }

    /// <summary>Every rule besides the letter templates, as sentences naming the setting.</summary>
    private IEnumerable<string> Problems()
    {
        if (PublicBaseUrl is not null && (!PublicBaseUrl.IsAbsoluteUri || (PublicBaseUrl.Scheme != Uri.UriSchemeHttps && !PublicBaseUrl.IsLoopback)))
        {
            // Digital Post refuses action links that are not https; only a local development address may be http.
            yield return "Workflow:PublicBaseUrl must be an absolute https address (http only for localhost).";
        }

        foreach (var problem in ContactProblems().Concat(ConsentProblems()).Concat(CommitteeProblems()).Concat(TriageProblems())
            .Concat(CourseProblems()).Concat(EmailProblems()).Concat(RecentCaseWindowProblems()))
        {
            yield return problem;
        }
    }

    /// <summary>A Danish phone number as people read it: "70 11 22 33" (anything else unchanged).</summary>
    public static string FormatPhone(string phone) =>
        phone is { Length: 8 } && phone.All(char.IsAsciiDigit) ? $"{phone[..2]} {phone[2..4]} {phone[4..6]} {phone[6..]}" : phone;
}
