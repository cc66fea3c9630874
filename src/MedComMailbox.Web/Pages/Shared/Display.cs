using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Core.Time;

namespace MedComMailbox.Web.Pages;

/// <summary>Danish texts and formats the pages share.</summary>
public static class Display
{
    private static readonly TimeZoneInfo Copenhagen = DanishTime.Zone;

    public static string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Copenhagen).ToString("dd-MM-yyyy 'kl.' HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public static string Clock(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Copenhagen).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Copenhagen).ToString("dd-MM-yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("dd-MM-yyyy", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Longer date for citizens: "onsdag den 4. marts 2026".</summary>
    public static string LongDate(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Copenhagen).ToString("dddd 'den' d. MMMM yyyy", Danish);

    public static readonly System.Globalization.CultureInfo Danish = System.Globalization.CultureInfo.GetCultureInfo("da-DK");

    /// <summary>A CPR number as the letter viewer shows it: DDMMYY-xxxx.</summary>
    public static string MaskCpr(string? cpr)
    {
        var digits = new string((cpr ?? "").Where(char.IsAsciiDigit).ToArray());
        return digits.Length >= 6 ? digits[..6] + "-xxxx" : "xxxxxx-xxxx";
    }

    public static string State(CaseState state) => state switch
    {
        CaseState.AwaitingConsent => "Afventer samtykke",
        CaseState.CheckingCustody => "Forældremyndighed kontrolleres",
        CaseState.OnAgenda => "På udvalgets dagsorden",
        CaseState.Decided => "Afgjort",
        CaseState.ClosedNoConsent => "Lukket – intet samtykke",
        CaseState.ConsentRefused => "Standset – samtykke afslået",
        CaseState.ConsentWithdrawn => "Standset – samtykke trukket tilbage",
        CaseState.ConsentExpired => "Standset – samtykke udløbet",
        CaseState.ClosedByStaff => "Lukket af medarbejder",
        _ => state.ToString(),
    };

    public static string CourseState(Core.Course.CourseState state) => state switch
    {
        Core.Course.CourseState.Running => "I gang hos den indsatsansvarlige",
        Core.Course.CourseState.Stalled => "Gået i stå – tilbage hos udvalget",
        Core.Course.CourseState.Closed => "Afsluttet",
        _ => state.ToString(),
    };

    public static string Meeting(Core.Course.MeetingKind kind) => kind switch
    {
        Core.Course.MeetingKind.Start => "Opstartsmøde",
        Core.Course.MeetingKind.FollowUp => "Opfølgningsmøde",
        _ => "Afslutningsmøde",
    };

    /// <summary>A <c>datetime-local</c> value (Copenhagen time) as an instant; null when empty or unreadable.</summary>
    public static DateTimeOffset? ParseLocal(string? value)
    {
        if (!DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var local))
        {
            return null;
        }

        return new DateTimeOffset(local, Copenhagen.GetUtcOffset(local));
    }

    /// <summary>Noon of a local day: a meeting recorded by its date only.</summary>
    public static DateTimeOffset LocalNoon(DateOnly day)
    {
        var local = day.ToDateTime(new TimeOnly(12, 0));
        return new DateTimeOffset(local, Copenhagen.GetUtcOffset(local));
    }

    public static bool IsOpen(CaseState state) => state is CaseState.AwaitingConsent or CaseState.CheckingCustody or CaseState.OnAgenda;

    public static string Answer(ConsentAnswer answer) => answer switch
    {
        ConsentAnswer.Pending => "Afventer svar",
        ConsentAnswer.Given => "Samtykke givet",
        ConsentAnswer.Refused => "Samtykke afvist",
        ConsentAnswer.Withdrawn => "Samtykke trukket tilbage",
        _ => answer.ToString(),
    };

    public static string AnswerClass(ConsentAnswer answer) => answer switch
    {
        ConsentAnswer.Given => "ok",
        ConsentAnswer.Pending => "warn",
        _ => "bad",
    };

    public static string Role(PartyRole role) => role switch
    {
        PartyRole.CustodyHolder => "Forældremyndighedsindehaver",
        PartyRole.Child => "Barnet/den unge",
        _ => role.ToString(),
    };

    public static string Letter(LetterKind kind) => kind switch
    {
        LetterKind.GpReceipt => "Kvittering til lægen",
        LetterKind.ConsentRequest => "Anmodning om samtykke",
        LetterKind.ConsentReminder => "Påmindelse om samtykke",
        LetterKind.ClosedNoConsent => "Sagen lukket uden samtykke",
        LetterKind.Decision => "Udvalgets afgørelse",
        LetterKind.CourseMeeting => "Tid og sted for et møde i forløbet",
        LetterKind.ConsentStopped => "Besked om, at sagen er standset",
        LetterKind.GpReceiptConsentJoined => "Kvittering til lægen, når samtykket gælder fra en tidligere sag",
        _ when ChildLetters.ParentsKind(kind) is { } parents => Letter(parents) + " (til barnet fra 15 år)",
        _ => kind.ToString(),
    };

    public static bool IsFailed(string status) => string.Equals(status, "failed", StringComparison.OrdinalIgnoreCase);

    public static string LetterStatus(string status) => status.ToLowerInvariant() switch
    {
        "pending" => "Afventer afsendelse",
        "accepted" => "Modtaget af Digital Post",
        "delivered" => "Leveret",
        "failed" => "Fejlet",
        "print" => "Venter på udskrift (papirpost)",
        "printed" => "Sendt som papirpost",
        _ => status,
    };

    public static string LetterStatusClass(string status) => status.ToLowerInvariant() switch
    {
        "delivered" or "printed" => "ok",
        "failed" => "bad",
        _ => "warn",
    };

    /// <summary>Why a case closed: the workflow's reason codes in Danish (Core's table); a reason staff wrote is shown as written.</summary>
    public static string ClosedReason(string reason) => CaseReasons.ClosedText(reason);

    /// <summary>A stored message's kind as staff read it (the inbox's type filter uses the same words).</summary>
    public static string MessageKind(string kind) => kind switch
    {
        "CareCommunication" => "Korrespondance (FHIR)",
        "OioXmlLetter" => "Korrespondance (OIOXML)",
        _ => kind,
    };

    /// <summary>A stored message's status in Danish (received: accepted or rejected; sent: the acknowledgement's course).</summary>
    public static string MessageStatus(string status) => status.ToLowerInvariant() switch
    {
        "accepted" => "Modtaget",
        "rejected" => "Afvist",
        "sent" => "Sendt, afventer kvittering",
        "acknowledged" => "Kvitteret",
        "failed" => "Afvist af modtageren",
        "flagged" => "Ingen kvittering efter genfremsendelse",
        _ => status,
    };

    public static string Direction(string direction) => direction.ToLowerInvariant() switch
    {
        "in" or "inbound" => "Modtaget",
        "out" or "outbound" => "Sendt",
        _ => direction,
    };
}
