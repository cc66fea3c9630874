using Microsoft.Extensions.Logging;

namespace MedComMailbox.Infrastructure.Vans;

/// <summary>Hands an enveloped document to the VANS provider: its outbound folder, its HTTP endpoint, or both.</summary>
public interface IVansTransport
{
    /// <summary>Delivers one envelope. Idempotent for the same file name: a retry overwrites, never adds a second file.</summary>
    Task DeliverAsync(string fileName, ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken);
}

public sealed partial class VansTransport(VansPaths paths, IHttpClientFactory httpClients, ILogger<VansTransport> logger) : IVansTransport
{
    public const string HttpClientName = "vans";

    public async Task DeliverAsync(string fileName, ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken)
    {
        if (Path.GetFileName(fileName) != fileName)
        {
            throw new ArgumentException("A file name without directories is expected.", nameof(fileName));
        }

        if (paths.Outbound is { } folder)
        {
            // Written beside, then moved into place: the provider's client never picks up half a file.
            var partial = Path.Combine(folder, ".partial");
            Directory.CreateDirectory(partial);
            var temp = Path.Combine(partial, fileName);
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                await stream.WriteAsync(envelope, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }

            File.Move(temp, Path.Combine(folder, fileName), overwrite: true);
        }

        if (paths.OutboundEndpoint is { } endpoint)
        {
            var client = httpClients.CreateClient(HttpClientName);
            using var content = new ReadOnlyMemoryContent(envelope);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/xml") { CharSet = "utf-8" };
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
            request.Headers.TryAddWithoutValidation("X-File-Name", fileName);
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
        }

        LogDelivered(logger, fileName);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Envelope {FileName} delivered to the VANS provider")]
    private static partial void LogDelivered(ILogger logger, string fileName);
}

/// <summary>The folders and endpoint, resolved once: defaults under Mailbox:DataDirectory, created on first use.</summary>
public sealed record VansPaths(string? Inbound, string Archive, string Rejected, string? Outbound, Uri? OutboundEndpoint)
{
    public static VansPaths From(VansOptions vans, string dataDirectory)
    {
        string? Folder(string? configured, string fallback) => configured switch
        {
            null => Path.GetFullPath(Path.Combine(dataDirectory, fallback)),
            "" => null,
            _ => Path.GetFullPath(configured),
        };

        return new VansPaths(
            Folder(vans.InboundFolder, "inbound"),
            Folder(vans.ArchiveFolder, "archive") ?? Path.GetFullPath(Path.Combine(dataDirectory, "archive")),
            Folder(vans.RejectedFolder, "rejected") ?? Path.GetFullPath(Path.Combine(dataDirectory, "rejected")),
            Folder(vans.OutboundFolder, "outbound"),
            vans.OutboundEndpoint);
    }
}
