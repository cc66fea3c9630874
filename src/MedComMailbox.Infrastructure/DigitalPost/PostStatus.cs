using System.Xml;
using System.Xml.Linq;

namespace MedComMailbox.Infrastructure.DigitalPost;

/// <summary>A letter's delivery status from the Beskedfordeler's PKO_PostStatus.</summary>
public sealed record PostStatus(Guid MessageUuid, string StatusCode, string? ErrorCode)
{
    public bool Failed => StatusCode.Equals("Fejlet", StringComparison.OrdinalIgnoreCase);

    public bool Delivered => StatusCode.StartsWith("Afleveret", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Reads the callback's <c>ModtagBeskedInput</c> envelope and its base64 <c>PKO_PostStatus</c> payload.</summary>
public static class PostStatusReader
{
    private static readonly XmlReaderSettings Safe = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 10_000_000 };

    /// <summary>The statuses in one callback body; an envelope without a readable status yields an empty list.</summary>
    public static IReadOnlyList<PostStatus> Read(string body)
    {
        var envelope = Load(body);
        var statuses = new List<PostStatus>();
        foreach (var candidate in envelope.Descendants().Where(e => !e.HasElements))
        {
            if (TryDecode(candidate.Value) is { } inner)
            {
                statuses.AddRange(FromStatusDocument(inner));
            }
        }

        // Some deliveries carry the status inline rather than base64-encoded.
        statuses.AddRange(FromStatusDocument(envelope));
        return statuses.DistinctBy(s => (s.MessageUuid, s.StatusCode)).ToList();
    }

    /// <summary>The acknowledgement the Beskedfordeler expects: StandardRetur/StatusKode 20.</summary>
    public const string OkAnswer = "<ModtagBeskedOutput><StandardRetur><StatusKode>20</StatusKode><FejlbeskedTekst/></StandardRetur></ModtagBeskedOutput>";

    private static IEnumerable<PostStatus> FromStatusDocument(XDocument doc)
    {
        foreach (var status in doc.Descendants().Where(e => e.Name.LocalName == "PKO_PostStatus"))
        {
            var uuid = Child(status, "MessageUUID");
            var code = Child(status, "TransaktionsStatusKode");
            if (Guid.TryParse(uuid, out var id) && code is not null)
            {
                yield return new PostStatus(id, code, Child(status, "FejlKode"));
            }
        }
    }

    private static string? Child(XElement parent, string localName) =>
        parent.Descendants().FirstOrDefault(e => e.Name.LocalName == localName)?.Value.Trim();

    private static XDocument? TryDecode(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length < 16 || trimmed.Contains('<', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromBase64String(trimmed);
            return Load(System.Text.Encoding.UTF8.GetString(bytes));
        }
        catch (FormatException)
        {
            return null;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static XDocument Load(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), Safe);
        return XDocument.Load(reader);
    }
}
