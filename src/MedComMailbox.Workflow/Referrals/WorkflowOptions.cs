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
public sealed class WorkflowOptions : IValidatableObject
{
    public const string Section = "Workflow";

    /// <summary>The municipality's name in letters.</summary>
    [Required]
    public string Municipality { get; set; } = "Eksempel Kommune";

    /// <summary>The committee's name in letters and as the author of replies to the GP.</summary>
    [Required]
    public string Committee { get; set; } = "Koordinationsudvalget for børn og unge";

    /// <summary>The public address of this service: consent links in letters point here (must be https in production).</summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:5080/");

    /// <summary>Who signs the GP replies (MedCom needs an author with a phone number).</summary>
    public SignatureOptions Signature { get; set; } = new();

    public ConsentOptions Consent { get; set; } = new();

    public CommitteeOptions CommitteeMeetings { get; set; } = new();

    public TriageOptions Triage { get; set; } = new();

    /// <summary>Letter texts by kind (GpReceipt, ConsentRequest, ConsentReminder, ClosedNoConsent, Decision); a kind left out keeps the built-in Danish text.</summary>
    public Dictionary<LetterKind, LetterOptions> Letters { get; set; } = [];

    /// <summary>How often the deadline sweep and the letter dispatcher look for due work.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
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
        foreach (var (kind, letter) in Letters)
        {
            string? problem = null;
            try
            {
                LetterTemplate.Create(kind, letter.Title, letter.Text);
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

        if (!PublicBaseUrl.IsAbsoluteUri || (PublicBaseUrl.Scheme != Uri.UriSchemeHttps && !PublicBaseUrl.IsLoopback))
        {
            // Digital Post refuses action links that are not https; only a local development address may be http.
            yield return new ValidationResult("Workflow:PublicBaseUrl must be an absolute https address (http only for localhost).", [nameof(PublicBaseUrl)]);
        }

        string? zoneProblem = null;
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(CommitteeMeetings.TimeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            zoneProblem = $"Workflow:CommitteeMeetings:TimeZone '{CommitteeMeetings.TimeZone}' is not a known time zone.";
        }

        if (zoneProblem is not null)
        {
            yield return new ValidationResult(zoneProblem, [nameof(CommitteeMeetings)]);
        }

        if (Consent.ResponseTime <= TimeSpan.Zero || Consent.ReminderExtension < TimeSpan.Zero || Consent.MaxValidity <= TimeSpan.Zero || Consent.MaxValidity > TimeSpan.FromDays(366))
        {
            yield return new ValidationResult("Workflow:Consent: ResponseTime and MaxValidity must be positive, MaxValidity at most one year.", [nameof(Consent)]);
        }
    }

    public sealed class SignatureOptions
    {
        public string GivenName { get; set; } = "Koordinationsudvalget";
        public string FamilyName { get; set; } = "Eksempel Kommune";
        public string Phone { get; set; } = "70000000";
    }

    public sealed class ConsentOptions
    {
        /// <summary>From this age the child consents too and receives the letters (the pilot: 15).</summary>
        [Range(10, 18)]
        public int ChildConsentAge { get; set; } = 15;
        public TimeSpan ResponseTime { get; set; } = TimeSpan.FromDays(14);
        public TimeSpan ReminderExtension { get; set; } = TimeSpan.FromDays(7);
        public TimeSpan MaxValidity { get; set; } = TimeSpan.FromDays(365);
    }

    public sealed class CommitteeOptions
    {
        public DayOfWeek Day { get; set; } = DayOfWeek.Wednesday;
        public TimeOnly Time { get; set; } = new(8, 30);
        public string TimeZone { get; set; } = "Europe/Copenhagen";
        /// <summary>Members read the cases before the meeting: a case goes on a meeting at least this long after consent.</summary>
        public TimeSpan ReadingTime { get; set; } = TimeSpan.FromDays(2);
        public int MaxWorkingDaysAfterConsent { get; set; } = 8;
        public List<DateOnly> CancelledDates { get; set; } = [];
        /// <summary>Closing days besides the public holidays; null keeps 5 June, 24 and 31 December.</summary>
        public List<MonthDay>? ExtraClosedDays { get; set; }
    }

    public sealed record MonthDay(int Month, int Day);

    public sealed class TriageOptions
    {
        public List<string> ReferralCategories { get; set; } = ["regarding-referral"];
        public List<string> ReferralTopicKeywords { get; set; } = ["henvisning", "koordinationsudvalg", "mistrivsel"];
        /// <summary>OIOXML letters to these location numbers are referrals whatever their subject.</summary>
        public List<string> OioXmlReferralReceivers { get; set; } = [];
        /// <summary>A referral of a child whose case closed within this window is linked to it.</summary>
        public TimeSpan RecentCaseWindow { get; set; } = TimeSpan.FromDays(90);
    }

    public sealed class LetterOptions
    {
        public string Title { get; set; } = "";
        public string Text { get; set; } = "";
    }
}
