namespace MedComMailbox.Core.Referrals;

/// <summary>
/// Why a case was flagged for a person or closed by the workflow: the codes the case stores (in its snapshot, as its
/// closing reason and in its effects), and their Danish texts in one table, for the timeline and the case page.
/// The codes are stored values: never change one, add a new one. A reason staff wrote is shown as written.
/// </summary>
public static class CaseReasons
{
    public const string NoCustodyHolder = "no custody holder found in the CPR register";
    public const string CustodyChanged = "custody changed";
    public const string CustodyChangedWhilePending = "custody changed while consent was pending";
    public const string ConsentWithdrawn = "consent withdrawn";
    public const string ConsentRefused = "consent refused";
    public const string ConsentExpired = "consent expired";
    public const string NoConsent = "no consent";
    public const string NoMeetingInTime = "no committee meeting within 8 working days of consent";

    private static readonly Dictionary<string, (string Flag, string Closed)> Danish = new(StringComparer.Ordinal)
    {
        [NoCustodyHolder] = ("Ingen forældremyndighedsindehaver fundet i CPR: en medarbejder må se på sagen", "Ingen forældremyndighedsindehaver fundet i CPR"),
        [CustodyChanged] = ("Forældremyndigheden er ændret siden samtykket", "Forældremyndigheden er ændret"),
        [CustodyChangedWhilePending] = ("Forældremyndigheden er ændret: nye samtykkeanmodninger er sendt", "Forældremyndigheden er ændret"),
        [ConsentWithdrawn] = ("Samtykket er trukket tilbage: sagen behandles ikke videre", "Samtykket er trukket tilbage"),
        [ConsentRefused] = ("Samtykke er afslået: sagen behandles ikke videre", "Samtykke er afslået"),
        [ConsentExpired] = ("Samtykket er udløbet (over et år gammelt)", "Samtykket er udløbet (over et år gammelt)"),
        [NoConsent] = ("Intet svar på anmodningen om samtykke inden fristen", "Intet svar på anmodningen om samtykke inden fristen"),
        [NoMeetingInTime] = ("Intet udvalgsmøde inden for 8 arbejdsdage efter samtykket", "Intet udvalgsmøde inden for 8 arbejdsdage efter samtykket"),
    };

    /// <summary>The timeline's text for a flag.</summary>
    public static string FlagText(string reason) => Danish.TryGetValue(reason, out var text) ? text.Flag : reason;

    /// <summary>The case page's text for why the case closed.</summary>
    public static string ClosedText(string reason) => Danish.TryGetValue(reason, out var text) ? text.Closed : reason;
}
