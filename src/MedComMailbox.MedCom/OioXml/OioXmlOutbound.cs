using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace MedComMailbox.MedCom.OioXml;

/// <summary>An OIOXML document we built, with the identifiers the caller must remember to match the answer to it.</summary>
public sealed record OioXmlOutbound(
    ReadOnlyMemory<byte> Body,
    MedComMessageKind Kind,
    string EnvelopeIdentifier,
    string LetterIdentifier,
    string VersionCode,
    string DocumentName,
    string ReceiverEan)
{
    /// <summary>The document for the outbox; its message id is the letter identifier, as for received OIOXML.</summary>
    public OutboundDocument ToOutboundDocument() =>
        new(LetterIdentifier, Kind, MedComSyntax.OioXml, OioXmlCodes.ContentType, Body, DocumentName, ReceiverEan);
}

/// <summary>New envelope and letter identifiers (String_1_14).</summary>
public static class OioXmlIdentifiers
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>14 random letters and digits: 36^14 values, so collisions need not be checked.</summary>
    public static string NewIdentifier() => RandomNumberGenerator.GetString(Alphabet, OioXmlCodes.IdentifierMaxLength);

    internal static string Next(Func<string> generator)
    {
        var identifier = generator();
        if (string.IsNullOrWhiteSpace(identifier) || identifier.Length > OioXmlCodes.IdentifierMaxLength)
        {
            throw new InvalidOperationException($"The identifier generator returned '{identifier}'; OIOXML identifiers are 1 to {OioXmlCodes.IdentifierMaxLength} characters.");
        }

        return identifier;
    }
}

/// <summary>Writing shared by the letter and receipt builders.</summary>
internal static class OioXmlWriter
{
    public static XElement Envelope(XNamespace ns, DateTimeOffset sentAt, string identifier, string acknowledgementCode) =>
        new(ns + "Envelope",
            DateTime(ns, "Sent", sentAt),
            new XElement(ns + "Identifier", identifier),
            new XElement(ns + "AcknowledgementCode", acknowledgementCode));

    public static XElement DateTime(XNamespace ns, string name, DateTimeOffset instant)
    {
        var (date, time) = CopenhagenTime.Format(instant);
        return new XElement(ns + name, new XElement(ns + "Date", date), new XElement(ns + "Time", time));
    }

    /// <summary>An element for an optional value: nothing when the value is empty.</summary>
    public static XElement? Optional(XName name, string? value) => string.IsNullOrWhiteSpace(value) ? null : new XElement(name, value);

    /// <summary>Names copied into length-limited elements are cut rather than refused: a long display name must not stop a receipt.</summary>
    public static string Cut(string value, int max) => value.Length <= max ? value : value[..max];

    /// <summary>UTF-8 without BOM, no indentation: indenting could add whitespace to mixed-content text.</summary>
    public static byte[] ToBytes(XElement root)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
        {
            new XDocument(new XDeclaration("1.0", "UTF-8", null), root).Save(writer);
        }

        return stream.ToArray();
    }
}
