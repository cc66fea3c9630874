namespace MedComMailbox.Infrastructure.DigitalPost;

/// <summary>One MeMo 1.2 letter to one citizen. <see cref="MessageUuid"/> is kept per letter: it makes a resend idempotent and is the only key into the status stream.</summary>
public sealed record MemoLetter(
    Guid MessageUuid,
    string Label,
    string SenderCvr,
    string SenderLabel,
    string RecipientCpr,
    DateTimeOffset CreatedAt,
    IReadOnlyList<MemoFile> Files,
    IReadOnlyList<MemoAction> Actions,
    string? AboutCpr = null,
    DateTimeOffset? ReplyBy = null);

/// <summary>A document in the letter's MainDocument.</summary>
public sealed record MemoFile(string FileName, string MediaType, ReadOnlyMemory<byte> Content, string Language = "da");

/// <summary>An action button, e.g. <c>SELVBETJENING</c> with a link to the consent page.</summary>
public sealed record MemoAction(string Label, string ActionCode, Uri Url, DateTimeOffset? Start = null, DateTimeOffset? End = null)
{
    public static readonly IReadOnlySet<string> ActionCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "AFTALE", "BETALING", "SELVBETJENING", "INFORMATION", "UNDERSKRIV", "BEKRAEFT", "FORBEREDELSE", "TILMELDING",
    };
}

/// <summary>
/// How KombiPostAfsend delivers: automatic (printed post for exempt citizens), digital only, SMS, or printed.
/// Automatic is the zero value, so an empty configuration value never silently drops exempt citizens' letters.
/// </summary>
public enum KombiChoice
{
    Automatic,
    DigitalPost,
    NemSms,
    PhysicalPost,
}
