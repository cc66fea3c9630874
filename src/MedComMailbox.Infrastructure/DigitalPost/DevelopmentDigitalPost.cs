using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MedComMailbox.Infrastructure.DigitalPost;

/// <summary>
/// The development stand-in of Digital Post: no network. A letter is checked and serialised as production would
/// (<see cref="MemoSerializer"/>), kept as <c>&lt;directory&gt;/&lt;messageUUID&gt;.xml</c> (written atomically; the same
/// messageUUID again is the same letter, not a second file), accepted, and then reported "Afleveret Digital Post" to the
/// <see cref="IPostStatusSink"/> if one is registered. The status is reported before <see cref="SendAsync"/> returns, so a
/// caller must keep the letter's messageUUID before sending (as it must for production anyway) and must not hold a lock the
/// sink needs. The local letter viewer reads the folder back through <see cref="IDevelopmentLetterBox"/>.
/// </summary>
public sealed class DevelopmentDigitalPost(string directory, IServiceProvider services, ILogger<DevelopmentDigitalPost> logger)
    : IDigitalPostGateway, IDevelopmentLetterBox
{
    public const string DeliveredStatus = "Afleveret Digital Post";

    private static readonly XNamespace Memo = MemoSerializer.Namespace;
    private static readonly XmlReaderSettings Safe = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
    private readonly Lock _gate = new();

    /// <summary>The folder the letters are kept in.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    public async Task<KombiResult> SendAsync(MemoLetter letter, CancellationToken cancellationToken)
    {
        MemoSerializer.Check(letter, allowLoopbackHttp: true);
        var xml = MemoSerializer.Serialize(letter, allowLoopbackHttp: true);
        var path = PathOf(letter.MessageUuid);

        bool stored;
        lock (_gate)
        {
            stored = Store(path, xml);
        }

        if (stored)
        {
            logger.LogInformation("Development Digital Post kept letter {MessageUuid}", letter.MessageUuid);
        }
        else
        {
            logger.LogInformation("Development Digital Post already had letter {MessageUuid}: the same letter, not kept again", letter.MessageUuid);
        }

        await ReportAsync(new PostStatus(letter.MessageUuid, DeliveredStatus, null), cancellationToken);
        return new KombiResult(true, TransmissionId(letter.MessageUuid));
    }

    public IReadOnlyList<DevelopmentLetter> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var letters = new List<DevelopmentLetter>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.xml"))
        {
            if (Guid.TryParse(Path.GetFileNameWithoutExtension(file), out var id) && Read(file, id) is { } letter)
            {
                letters.Add(letter);
            }
        }

        return letters.OrderByDescending(l => l.SentAt).ThenBy(l => l.MessageUuid).ToList();
    }

    public DevelopmentLetter? Find(Guid messageUuid)
    {
        var path = PathOf(messageUuid);
        return File.Exists(path) ? Read(path, messageUuid) : null;
    }

    /// <summary>The same letter gets the same transmission id, as a resend is the same letter.</summary>
    private static string TransmissionId(Guid messageUuid) => "DEV-" + messageUuid.ToString("N", CultureInfo.InvariantCulture);

    private string PathOf(Guid messageUuid) => Path.Combine(Directory, messageUuid.ToString("D", CultureInfo.InvariantCulture) + ".xml");

    /// <summary>Writes to a temporary file and moves it into place; false when the letter is already there.</summary>
    private bool Store(string path, string xml)
    {
        if (File.Exists(path))
        {
            return false;
        }

        System.IO.Directory.CreateDirectory(Directory);
        var temporary = Path.Combine(Directory, $".{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temporary, xml, new UTF8Encoding(false));
            try
            {
                File.Move(temporary, path, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process kept the same letter first.
                return false;
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private async Task ReportAsync(PostStatus status, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            if (scope.ServiceProvider.GetService<IPostStatusSink>() is not { } sink)
            {
                return;
            }

            if (!await sink.RecordAsync(status, cancellationToken))
            {
                logger.LogWarning("The status sink knows no letter {MessageUuid}; its status was dropped", status.MessageUuid);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The letter is sent; a failing sink must not make the caller send it again. Only the type: the message may hold anything.
            logger.LogWarning("Reporting the status of letter {MessageUuid} failed ({ExceptionType})", status.MessageUuid, e.GetType().Name);
        }
    }

    private DevelopmentLetter? Read(string path, Guid messageUuid)
    {
        string xml;
        XDocument doc;
        try
        {
            xml = File.ReadAllText(path);
            using var reader = XmlReader.Create(new StringReader(xml), Safe);
            doc = XDocument.Load(reader);
        }
        catch (Exception e) when (e is IOException or XmlException or UnauthorizedAccessException)
        {
            logger.LogWarning("Development Digital Post cannot read letter file {MessageUuid} ({ExceptionType})", messageUuid, e.GetType().Name);
            return null;
        }

        var header = doc.Root?.Element(Memo + "MessageHeader");
        var body = doc.Root?.Element(Memo + "MessageBody");
        var created = DateTimeOffset.TryParse(body?.Element(Memo + "createdDateTime")?.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c)
            ? c
            : new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
        var main = body?.Element(Memo + "MainDocument");
        var actions = new List<MemoAction>();
        foreach (var a in main?.Elements(Memo + "Action") ?? [])
        {
            if (Uri.TryCreate(a.Element(Memo + "EntryPoint")?.Element(Memo + "url")?.Value, UriKind.Absolute, out var url))
            {
                actions.Add(new MemoAction(
                    a.Element(Memo + "label")?.Value ?? "",
                    a.Element(Memo + "actionCode")?.Value ?? "",
                    url,
                    Time(a.Element(Memo + "startDateTime")),
                    Time(a.Element(Memo + "endDateTime"))));
            }
        }

        return new DevelopmentLetter(
            messageUuid,
            created,
            header?.Element(Memo + "Recipient")?.Element(Memo + "recipientID")?.Value ?? "",
            header?.Element(Memo + "label")?.Value ?? "",
            Text(main?.Element(Memo + "File")),
            actions,
            xml);
    }

    private static string Text(XElement? file)
    {
        var type = file?.Element(Memo + "encodingFormat")?.Value.Trim() ?? "";
        var mediaType = type.Split(';')[0].Trim();
        if (!mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase) && !mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return "";
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(file!.Element(Memo + "content")?.Value.Trim() ?? ""));
        }
        catch (FormatException)
        {
            return "";
        }
    }

    private static DateTimeOffset? Time(XElement? element) =>
        element is not null && DateTimeOffset.TryParse(element.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
