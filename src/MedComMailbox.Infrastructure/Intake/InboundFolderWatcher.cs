using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Vans;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Intake;

/// <summary>
/// Takes files from the VANS provider's drop folder. A file is moved to the archive only after its message is
/// committed; if storing fails it stays where it is and is tried again on the next scan. A crash between the commit
/// and the move leaves the file in place: the next scan stores nothing new (it is a duplicate) and archives it.
/// Polling rather than FileSystemWatcher: a watcher misses events on network shares and after overflows.
/// </summary>
public sealed partial class InboundFolderWatcher(
    IntakeService intake,
    VansPaths paths,
    IOptions<VansOptions> vans,
    IOptions<MailboxOptions> mailbox,
    TimeProvider time,
    ILogger<InboundFolderWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (paths.Inbound is null)
        {
            return;
        }

        LogWatching(logger, paths.Inbound);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogScanFailed(logger, ex.GetType().FullName);
            }

            await Task.Delay(vans.Value.PollInterval, time, stoppingToken);
        }
    }

    /// <summary>One pass over the folder, oldest first. Returns how many files were taken (archived or set aside).</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        if (paths.Inbound is not { } folder)
        {
            return 0;
        }

        Directory.CreateDirectory(folder);
        var settled = time.GetUtcNow() - vans.Value.SettleTime;
        var files = new DirectoryInfo(folder).EnumerateFiles()
            .Where(f => !f.Name.StartsWith('.') && !f.Name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) && !f.Name.EndsWith(".partial", StringComparison.OrdinalIgnoreCase))
            .Where(f => f.LastWriteTimeUtc <= settled.UtcDateTime)
            .OrderBy(f => f.LastWriteTimeUtc)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

        var taken = 0;
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await TakeAsync(file, cancellationToken))
            {
                taken++;
            }
        }

        return taken;
    }

    private async Task<bool> TakeAsync(FileInfo file, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            if (file.Length > mailbox.Value.MaxMessageBytes)
            {
                // Too large to store: set aside (never deleted) for a person, and said so in the log.
                MoveTo(file, Path.Combine(paths.Rejected, DayFolder()));
                LogTooLarge(logger, file.Name, file.Length, mailbox.Value.MaxMessageBytes);
                return true;
            }

            body = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        }
        catch (IOException ex)
        {
            // Still being written or locked by the provider's client: next scan.
            LogNotReadable(logger, file.Name, ex.GetType().FullName);
            return false;
        }

        var result = await intake.ReceiveAsync(body, ContentTypeOf(file.Name), Storage.MessageChannel.Folder, file.Name, cancellationToken);
        if (!result.Stored)
        {
            return false;
        }

        MoveTo(file, Path.Combine(paths.Archive, DayFolder()));
        return true;
    }

    private string DayFolder() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static void MoveTo(FileInfo file, string folder)
    {
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, file.Name);
        if (File.Exists(target))
        {
            // The same name twice (a resend, or a file taken again after a crash): keep both.
            target = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(file.Name)}.{Guid.NewGuid():N}{file.Extension}");
        }

        file.MoveTo(target);
    }

    // The provider's files carry no content type; the reader sniffs, and the extension is only a hint.
    private static string? ContentTypeOf(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".json" => "application/fhir+json",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching the inbound folder {Folder}")]
    private static partial void LogWatching(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scanning the inbound folder failed ({ExceptionType}); next scan as usual")]
    private static partial void LogScanFailed(ILogger logger, string? exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "File {FileName} is {Size} bytes, over the limit of {Limit}; moved to the rejected folder")]
    private static partial void LogTooLarge(ILogger logger, string fileName, long size, long limit);

    [LoggerMessage(Level = LogLevel.Debug, Message = "File {FileName} is not readable yet ({ExceptionType})")]
    private static partial void LogNotReadable(ILogger logger, string fileName, string? exceptionType);
}
