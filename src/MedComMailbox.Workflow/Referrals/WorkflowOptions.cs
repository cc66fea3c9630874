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

        if (string.IsNullOrWhiteSpace(Signature.GivenName) || string.IsNullOrWhiteSpace(Signature.FamilyName))
        {
            yield return "Workflow:Signature:GivenName and FamilyName are required: MedCom replies to the GP need a named author.";
        }

        if (Signature.Phone is not { Length: 8 } phone || !phone.All(char.IsAsciiDigit))
        {
            yield return $"Workflow:Signature:Phone '{Signature.Phone}' must be a Danish phone number of 8 digits: the GP calls it about the reply.";
        }

        if (Contact.Phone is not { Length: 8 } contactPhone || !contactPhone.All(char.IsAsciiDigit))
        {
            yield return $"Workflow:Contact:Phone '{Contact.Phone}' must be a Danish phone number of 8 digits: citizens call it about their case.";
        }

        if (string.IsNullOrWhiteSpace(Contact.Email) || !System.Net.Mail.MailAddress.TryCreate(Contact.Email, out _))
        {
            yield return $"Workflow:Contact:Email '{Contact.Email}' must be an e-mail address: citizens write to it about their case.";
        }

        var consent = Consent;
        if (consent.ChildConsentAge is < 10 or > 18)
        {
            yield return $"Workflow:Consent:ChildConsentAge {consent.ChildConsentAge} must be between 10 and 18 (the pilot: 15).";
        }

        if (consent.ResponseTime <= TimeSpan.Zero || consent.ResponseTime > TimeSpan.FromDays(90))
        {
            yield return $"Workflow:Consent:ResponseTime {consent.ResponseTime} must be more than 0 and at most 90 days (the pilot: 14.00:00:00).";
        }

        if (consent.ReminderExtension < TimeSpan.Zero || consent.ReminderExtension > TimeSpan.FromDays(90))
        {
            yield return $"Workflow:Consent:ReminderExtension {consent.ReminderExtension} must be between 0 and 90 days (the pilot: 7.00:00:00).";
        }

        if (consent.MaxValidity <= TimeSpan.Zero || consent.MaxValidity > TimeSpan.FromDays(366))
        {
            yield return $"Workflow:Consent:MaxValidity {consent.MaxValidity} must be more than 0 and at most one year.";
        }

        var meetings = CommitteeMeetings;
        string? zoneProblem = null;
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(meetings.TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zoneProblem = $"Workflow:CommitteeMeetings:TimeZone '{meetings.TimeZone}' is not a known time zone (e.g. Europe/Copenhagen).";
        }

        if (zoneProblem is not null)
        {
            yield return zoneProblem;
        }

        if (!Enum.IsDefined(meetings.Day) || meetings.Day is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            yield return $"Workflow:CommitteeMeetings:Day '{meetings.Day}' must be a weekday (Monday to Friday).";
        }

        if (meetings.ReadingTime < TimeSpan.Zero || meetings.ReadingTime > TimeSpan.FromDays(14))
        {
            yield return $"Workflow:CommitteeMeetings:ReadingTime {meetings.ReadingTime} must be between 0 and 14 days (the pilot: 2.00:00:00).";
        }

        if (meetings.MaxWorkingDaysAfterConsent is < 1 or > 60)
        {
            yield return $"Workflow:CommitteeMeetings:MaxWorkingDaysAfterConsent {meetings.MaxWorkingDaysAfterConsent} must be between 1 and 60 (the pilot: 8).";
        }

        for (var i = 0; i < (meetings.ExtraClosedDays?.Count ?? 0); i++)
        {
            var d = meetings.ExtraClosedDays![i];
            if (d.Month is < 1 or > 12 || d.Day < 1 || d.Day > DateTime.DaysInMonth(2024, d.Month))
            {
                yield return $"Workflow:CommitteeMeetings:ExtraClosedDays:{i} (month {d.Month}, day {d.Day}) is not a day of the year.";
            }
        }

        if (Triage.ReferralCategories.Count == 0 && Triage.ReferralTopicKeywords.Count == 0 && Triage.OioXmlReferralReceivers.Count == 0)
        {
            yield return "Workflow:Triage lists no ReferralCategories, ReferralTopicKeywords or OioXmlReferralReceivers: no message would ever open a case.";
        }

        for (var i = 0; i < Triage.OioXmlReferralReceivers.Count; i++)
        {
            if (!MedCom.Identifiers.MedComIdentifiers.IsValidGln(Triage.OioXmlReferralReceivers[i]))
            {
                yield return $"Workflow:Triage:OioXmlReferralReceivers:{i} '{Triage.OioXmlReferralReceivers[i]}' is not a location number: 13 digits ending in the GS1 check digit.";
            }
        }

        foreach (var (name, value, max) in new[]
        {
            ("StartWithin", Course.StartWithin, 180), ("FollowUpWithin", Course.FollowUpWithin, 180), ("PlanNextWithin", Course.PlanNextWithin, 180),
        })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(max))
            {
                yield return $"Workflow:Course:{name} {value} must be more than 0 and at most {max} days.";
            }
        }

        if (Course.ReminderBefore < TimeSpan.Zero || Course.ReminderBefore >= Course.StartWithin)
        {
            yield return $"Workflow:Course:ReminderBefore {Course.ReminderBefore} must be at least 0 and shorter than Workflow:Course:StartWithin.";
        }

        if (Course.ResponsibleParties.Count == 0)
        {
            yield return "Workflow:Course:ResponsibleParties is empty: the committee must be able to name a responsible party.";
        }

        for (var i = 0; i < Course.ResponsibleParties.Count; i++)
        {
            var party = Course.ResponsibleParties[i];
            if (string.IsNullOrWhiteSpace(party.Name))
            {
                yield return $"Workflow:Course:ResponsibleParties:{i}:Name is missing.";
            }

            if (party.Gln is { Length: > 0 } gln && !MedCom.Identifiers.MedComIdentifiers.IsValidGln(gln))
            {
                yield return $"Workflow:Course:ResponsibleParties:{i}:Gln '{gln}' is not a location number: 13 digits ending in the GS1 check digit.";
            }

            if (party.Gln is { Length: > 0 } && (party.SorId is not { Length: >= 6 and <= 20 } sor || !sor.All(char.IsAsciiDigit)))
            {
                yield return $"Workflow:Course:ResponsibleParties:{i}:SorId '{party.SorId}' must be the unit's SOR id (6–20 digits): the MedCom hand-over to its Gln needs it.";
            }

            if (party.Email is { Length: > 0 } email && !System.Net.Mail.MailAddress.TryCreate(email, out _))
            {
                yield return $"Workflow:Course:ResponsibleParties:{i}:Email '{email}' is not an e-mail address.";
            }
        }

        if (Email.Host is { Length: > 0 })
        {
            if (string.IsNullOrWhiteSpace(Email.From) || !System.Net.Mail.MailAddress.TryCreate(Email.From, out _))
            {
                yield return $"Workflow:Email:From '{Email.From}' must be an e-mail address: the sender of the hand-over notifications.";
            }

            if (Email.Port is < 1 or > 65535)
            {
                yield return $"Workflow:Email:Port {Email.Port} must be a port number (587 for STARTTLS, 465 for TLS).";
            }
        }

        if (Triage.RecentCaseWindow < TimeSpan.Zero)
        {
            yield return "Workflow:Triage:RecentCaseWindow must not be negative.";
        }
    }

    /// <summary>A Danish phone number as people read it: "70 11 22 33" (anything else unchanged).</summary>
    public static string FormatPhone(string phone) =>
        phone is { Length: 8 } && phone.All(char.IsAsciiDigit) ? $"{phone[..2]} {phone[2..4]} {phone[4..6]} {phone[6..]}" : phone;

    public sealed class ContactOptions
    {
        /// <summary>The committee's phone number for citizens (8 digits).</summary>
        public string Phone { get; set; } = "70000000";

        /// <summary>The committee's e-mail address for citizens (the pages ask them not to write CPR numbers or health details in plain e-mail).</summary>
        public string Email { get; set; } = "koordinationsudvalget@kommune.invalid";
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

    public sealed class CourseOptions
    {
        /// <summary>The start meeting is held within this time of the decision (the pilot: 4 weeks).</summary>
        public TimeSpan StartWithin { get; set; } = TimeSpan.FromDays(28);
        /// <summary>The first follow-up meeting is held within this time of the start meeting (the pilot: 6 weeks).</summary>
        public TimeSpan FollowUpWithin { get; set; } = TimeSpan.FromDays(42);
        /// <summary>The responsible party is reminded this long before a deadline.</summary>
        public TimeSpan ReminderBefore { get; set; } = TimeSpan.FromDays(7);
        /// <summary>After a follow-up the next meeting must be planned within this time, or the course goes back to the committee.</summary>
        public TimeSpan PlanNextWithin { get; set; } = TimeSpan.FromDays(14);
        /// <summary>The units the committee can hand a course to, with a contact and where the hand-over goes.</summary>
        public List<ResponsiblePartyOptions> ResponsibleParties { get; set; } =
        [
            new() { Name = "Skolen", Contact = "Skolens ledelse" },
            new() { Name = "PPR", Contact = "PPR's sekretariat" },
            new() { Name = "Sundhedsplejen", Contact = "Sundhedsplejens leder" },
            new() { Name = "Familierådgivningen", Contact = "Familierådgivningens visitation" },
        ];
    }

    /// <summary>
    /// The SMTP server the hand-over notifications to responsible parties go through (<c>Workflow:Email</c>). Required
    /// outside Development when a responsible party has an <c>Email</c> (the production checklist).
    /// </summary>
    public sealed class EmailOptions
    {
        public string? Host { get; set; }
        public int Port { get; set; } = 587;
        /// <summary>True: STARTTLS (or TLS on port 465) is required; false only for a local relay or a test server.</summary>
        public bool UseTls { get; set; } = true;
        public string? UserName { get; set; }
        public string? Password { get; set; }
        /// <summary>The sender address of the notifications, e.g. koordinationsudvalget@kommune.dk.</summary>
        public string? From { get; set; }
    }

    public sealed class ResponsiblePartyOptions
    {
        public string Name { get; set; } = "";
        /// <summary>Who to contact there (name, title or phone), shown on the case.</summary>
        public string? Contact { get; set; }
        /// <summary>Hand-over by MedCom: the unit's location number (a CareCommunication with the decision goes there).</summary>
        public string? Gln { get; set; }
        /// <summary>With <see cref="Gln"/>: the unit's SOR id, the receiver endpoint of the MedCom message.</summary>
        public string? SorId { get; set; }
        /// <summary>Hand-over by secure e-mail notification (a link to the case, no personal data in the mail).</summary>
        public string? Email { get; set; }
    }

    public sealed class LetterOptions
    {
        public string Title { get; set; } = "";
        public string Text { get; set; } = "";
    }
}
