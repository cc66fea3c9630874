using Microsoft.Extensions.Configuration;

namespace MedComMailbox.Infrastructure.DigitalPost;

/// <summary>
/// What happens to a letter whose recipient the CPR register says is exempt from Digital Post
/// (<c>DigitalPost:ExemptRecipients</c>). Either way the letter never silently vanishes.
/// </summary>
public enum ExemptRecipients
{
    /// <summary>
    /// The default: the letter is not sent to Digital Post but waits in the local print queue (Drift → Udskriftskø), where an
    /// operator downloads it as a PDF, prints and posts it, and marks it sent. Works in every mode, also on the development
    /// stand-in, which has no printed post.
    /// </summary>
    PrintQueue,

    /// <summary>
    /// The letter goes to Digital Post like any other and KombiPostAfsend prints and posts it (fjernprint). Only with
    /// <c>DigitalPost:Channel</c> <c>Automatic</c> or <c>PhysicalPost</c>: a digital-only channel would leave the letter undelivered.
    /// </summary>
    DigitalPost,
}

public static class ExemptRecipientsSetting
{
    public const string Key = "DigitalPost:ExemptRecipients";

    /// <summary>
    /// The configured choice. Empty or unknown reads as <see cref="ExemptRecipients.PrintQueue"/>, the choice under which no
    /// letter can go undelivered (start-up validation of <see cref="DigitalPostOptions"/> rejects an unknown value in
    /// Serviceplatformen mode before it gets here).
    /// </summary>
    public static ExemptRecipients Read(IConfiguration configuration) =>
        Enum.TryParse<ExemptRecipients>(configuration[Key]?.Trim(), ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : ExemptRecipients.PrintQueue;
}
