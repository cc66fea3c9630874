using System.ComponentModel.DataAnnotations;
using MedComMailbox.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Intake;

/// <summary>Settings of section <c>Quarantine</c>: where bodies that cannot even be parsed are kept, how much and how long.</summary>
public sealed class QuarantineOptions
{
    public const string Section = "Quarantine";

    /// <summary>The first this many bytes of each body are kept (default 64 KiB): enough to see what it was, never the whole 20 MB.</summary>
    [Range(0, 16 * 1024 * 1024, ErrorMessage = "Quarantine:MaxBytesPerBody must be between 0 and 16777216 bytes.")]
    public int MaxBytesPerBody { get; set; } = 64 * 1024;

    /// <summary>At most this many bodies are kept; the oldest go first (default 1,000).</summary>
    [Range(0, 1_000_000, ErrorMessage = "Quarantine:MaxFiles must be between 0 and 1000000.")]
    public int MaxFiles { get; set; } = 1000;

    /// <summary>
    /// A rejected (but readable) message keeps at most this much of its body in the message store (default 64 KiB: a
    /// text-only referral whole, the head of one with attachments; the sender resends after the negative acknowledgement).
    /// </summary>
    [Range(1024, 512 * 1024 * 1024, ErrorMessage = "Quarantine:RejectedBodyMaxBytes must be between 1024 and 536870912 bytes.")]
    public int RejectedBodyMaxBytes { get; set; } = 64 * 1024;

    /// <summary>How long a body is kept (default 7 days).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "90.00:00:00", ErrorMessage = "Quarantine:Retention must be between 0 and 90 days.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// The quarantine for bodies that cannot even be parsed (no MedCom message, no one to answer): the first
/// <see cref="QuarantineOptions.MaxBytesPerBody"/> bytes in <c>DataDirectory/quarantine</c>, kept for a short, configurable
/// time and up to a number of files, instead of the whole body in the message store. Random bytes therefore cost a few
/// kilobytes of disk each and nothing in the database, however many arrive.
/// </summary>
public sealed class Quarantine(IOptions<QuarantineOptions> options, IOptions<MailboxOptions> mailbox, TimeProvider time)
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;
    private int _writtenSinceSweep;

    public int RejectedBodyMaxBytes => options.Value.RejectedBodyMaxBytes;

    public string Folder => Path.Combine(mailbox.Value.ResolvePath(mailbox.Value.DataDirectory), "quarantine");

    /// <summary>Keeps the head of <paramref name="body"/>; returns its id (the file name without extension).</summary>
    public async Task<string> KeepAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var id = $"{now:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(Folder);
        if (o.MaxFiles > 0)
        {
            var head = body[..Math.Min(body.Length, o.MaxBytesPerBody)];
            await File.WriteAllBytesAsync(Path.Combine(Folder, id + ".bin"), head.ToArray(), cancellationToken);
        }

        bool sweep;
        lock (_gate)
        {
            _writtenSinceSweep++;
            sweep = now - _lastSweep >= SweepEvery || _writtenSinceSweep >= Math.Max(1, o.MaxFiles / 10);
            if (sweep)
            {
                _lastSweep = now;
                _writtenSinceSweep = 0;
            }
        }

        if (sweep)
        {
            Sweep(now);
        }

        return id;
    }

    /// <summary>Deletes bodies older than the retention and the oldest beyond the file limit.</summary>
    public void Sweep(DateTimeOffset now)
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }

        var o = options.Value;
        var files = new DirectoryInfo(Folder).GetFiles("*.bin").OrderByDescending(f => f.Name, StringComparer.Ordinal).ToList();
        for (var i = 0; i < files.Count; i++)
        {
            if (i >= o.MaxFiles || now - files[i].LastWriteTimeUtc > o.Retention)
            {
                try
                {
                    files[i].Delete();
                }
                catch (IOException)
                {
                    // Another process swept it first.
                }
            }
        }
    }
}
