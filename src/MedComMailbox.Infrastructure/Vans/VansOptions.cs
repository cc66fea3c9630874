using System.ComponentModel.DataAnnotations;

namespace MedComMailbox.Infrastructure.Vans;

/// <summary>
/// How messages reach us from, and go to, the VANS provider (configuration section <c>Vans</c>). The provider's
/// client typically syncs a pair of local folders; some providers also take an HTTP POST. Relative paths are
/// relative to the working directory.
/// </summary>
public sealed class VansOptions
{
    public const string Section = "Vans";

    /// <summary>The provider's drop folder we read from (default <c>&lt;DataDirectory&gt;/inbound</c>). Empty string: do not watch a folder.</summary>
    public string? InboundFolder { get; init; }

    /// <summary>Where a file goes once it is stored (default <c>&lt;DataDirectory&gt;/archive</c>), in a sub-folder per day.</summary>
    public string? ArchiveFolder { get; init; }

    /// <summary>Where a file goes that could not be stored at all because it is larger than Mailbox:MaxMessageBytes (default <c>&lt;DataDirectory&gt;/rejected</c>).</summary>
    public string? RejectedFolder { get; init; }

    /// <summary>Where outgoing envelopes (acknowledgements, receipts, letters) are written (default <c>&lt;DataDirectory&gt;/outbound</c>). Empty string: no folder.</summary>
    public string? OutboundFolder { get; init; }

    /// <summary>Optional HTTP endpoint of the provider that takes outgoing envelopes by POST.</summary>
    public Uri? OutboundEndpoint { get; init; }

    /// <summary>How often the inbound folder is scanned.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "Vans:PollInterval must be between 50 ms and 1 hour.")]
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A file is taken only when it has not changed for this long (the provider may still be writing it).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Vans:SettleTime must be between 0 and 10 minutes.")]
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A message we sent without an acknowledgement after this long is resent with a new envelope id (MedCom: 30 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Vans:AcknowledgementTimeout must be between 1 second and 1 day (MedCom: 30 minutes).")]
    public TimeSpan AcknowledgementTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How many times a message is resent before it is flagged (MedCom: at most twice).</summary>
    [Range(0, 10, ErrorMessage = "Vans:MaxResends must be between 0 and 10 (MedCom: at most 2).")]
    public int MaxResends { get; init; } = 2;
}
