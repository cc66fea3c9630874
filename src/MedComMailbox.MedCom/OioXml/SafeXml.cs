using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace MedComMailbox.MedCom.OioXml;

/// <summary>
/// Loads XML from outside (OIOXML letters, VANS envelopes, FHIR XML) without trusting it: no DTD, no
/// resolver, a size cap, and every failure turned into a <see cref="MedComIssue"/> instead of an exception.
/// </summary>
public static class SafeXml
{
    /// <summary>The largest body accepted, in bytes and in characters. VANS messages are far smaller; this only stops a memory attack.</summary>
    public const int MaxDocumentSize = 50 * 1024 * 1024;

    /// <summary>The deepest element nesting accepted. FHIR and OIOXML stay far below; XDocument.Load is quadratic in depth, so a hostile nesting must stop here.</summary>
    public const int MaxDepth = 256;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> Utf16LeBom => [0xFF, 0xFE];
    private static ReadOnlySpan<byte> Utf16BeBom => [0xFE, 0xFF];

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reader settings for any XML from outside. A new instance each call, because XmlReaderSettings is mutable.</summary>
    public static XmlReaderSettings CreateReaderSettings() => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,

        // 0 would mean "no limit" in .NET, so the smallest real limit instead; with DTDs prohibited no entity can be
        // declared anyway. The predefined entities (&amp; …) and character references do not count against it.
        MaxCharactersFromEntities = 1,
        MaxCharactersInDocument = MaxDocumentSize,
        CloseInput = true,
    };

    /// <summary>
    /// Parses a body into an <see cref="XDocument"/> (whitespace preserved, since OIOXML text is mixed content).
    /// Returns false with <see cref="MedComErrors.BodyEmpty"/>, <see cref="MedComErrors.XmlDtdForbidden"/> or
    /// <see cref="MedComErrors.SyntaxInvalid"/>; never throws on bad input.
    /// </summary>
    public static bool TryLoad(ReadOnlyMemory<byte> body, out XDocument? document, out MedComIssue? issue)
    {
        document = null;
        if (!TryDecode(body.Span, out var text, out issue))
        {
            return false;
        }

        return TryLoad(text!, out document, out issue);
    }

    /// <summary>Parses already decoded XML text. Any encoding declaration in it is ignored: the text is already characters.</summary>
    public static bool TryLoad(string text, out XDocument? document, out MedComIssue? issue)
    {
        document = null;
        issue = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            issue = MedComErrors.BodyEmpty.At();
            return false;
        }

        try
        {
            if (NestedTooDeep(text))
            {
                issue = MedComErrors.SyntaxInvalid.At(detail: $"elements nested deeper than {MaxDepth}");
                return false;
            }

            using var reader = XmlReader.Create(new StringReader(text), CreateReaderSettings());
            document = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
            return true;
        }
        catch (XmlException ex)
        {
            // Decided from the text, not from the exception message, which is localised and may change.
            issue = HasDoctype(text)
                ? MedComErrors.XmlDtdForbidden.At()
                : MedComErrors.SyntaxInvalid.At(detail: ex.LineNumber > 0 ? $"line {ex.LineNumber}, position {ex.LinePosition}" : "not well-formed XML");
            return false;
        }
    }

    /// <summary>
    /// Turns bytes into text by the BOM or the XML declaration (UTF-8 when neither says otherwise), rejecting
    /// bytes that are invalid in that encoding rather than silently replacing them.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, out string? text, out MedComIssue? issue)
    {
        text = null;
        issue = null;
        if (body.IsEmpty)
        {
            issue = MedComErrors.BodyEmpty.At();
            return false;
        }

        if (body.Length > MaxDocumentSize)
        {
            issue = MedComErrors.SyntaxInvalid.At(detail: $"larger than {MaxDocumentSize / (1024 * 1024)} MB");
            return false;
        }

        var (encoding, skip) = EncodingOf(body, out var declared);
        if (encoding is null)
        {
            issue = MedComErrors.SyntaxInvalid.At(detail: $"unsupported encoding '{Echo(declared)}'");
            return false;
        }

        try
        {
            text = encoding.GetString(body[skip..]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            issue = MedComErrors.SyntaxInvalid.At(detail: $"bytes that are not valid {encoding.WebName}");
            return false;
        }
    }

    /// <summary>A streaming pass is linear, so it finds a hostile nesting before XDocument spends quadratic time on it.</summary>
    private static bool NestedTooDeep(string text)
    {
        using var reader = XmlReader.Create(new StringReader(text), CreateReaderSettings());
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth > MaxDepth)
            {
                return true;
            }
        }

        return false;
    }

    private static (Encoding? Encoding, int Skip) EncodingOf(ReadOnlySpan<byte> body, out string? declared)
    {
        declared = null;
        if (body.StartsWith(Utf8Bom))
        {
            return (StrictUtf8, 3);
        }

        if (body.StartsWith(Utf16LeBom))
        {
            return (new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), 2);
        }

        if (body.StartsWith(Utf16BeBom))
        {
            return (new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), 2);
        }

        declared = DeclaredEncoding(body);
        if (declared is null || IsUtf8(declared))
        {
            return (StrictUtf8, 0);
        }

        if (IsLatin1(declared))
        {
            // MedCom's own example (Flow3-XDIS91_Ex_from_FHIR.xml) declares ISO-8859-1 but is UTF-8. Danish
            // letters in real Latin-1 (æ = E6, ø = F8, å = E5) are never valid UTF-8 sequences, so bytes that
            // decode as UTF-8 with non-ASCII in them were written as UTF-8, whatever the declaration says.
            return (System.Text.Unicode.Utf8.IsValid(body) ? StrictUtf8 : Encoding.Latin1, 0);
        }

        return (Lookup(declared), 0);
    }

    private static Encoding? Lookup(string name)
    {
        try
        {
            return Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            // Windows code pages (windows-1252 from older Danish systems) without registering a process-wide provider.
            return CodePagesEncodingProvider.Instance.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
    }

    private static bool IsUtf8(string name) => name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase);

    private static bool IsLatin1(string name) =>
        name.ToUpperInvariant() is "ISO-8859-1" or "ISO8859-1" or "ISO_8859-1" or "LATIN1" or "LATIN-1" or "L1" or "ISO-IR-100" or "CP819";

    /// <summary>The encoding named in the XML declaration, read as ASCII from the first bytes.</summary>
    private static string? DeclaredEncoding(ReadOnlySpan<byte> body)
    {
        var head = body[..Math.Min(body.Length, 200)];
        if (!head.StartsWith("<?xml"u8))
        {
            return null;
        }

        var end = head.IndexOf("?>"u8);
        var declaration = Encoding.ASCII.GetString(end < 0 ? head : head[..end]);
        var at = declaration.IndexOf("encoding", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = declaration[(at + "encoding".Length)..].TrimStart().TrimStart('=').TrimStart();
        if (rest.Length < 2 || rest[0] is not ('"' or '\''))
        {
            return null;
        }

        var close = rest.IndexOf(rest[0], 1);
        return close < 0 ? null : rest[1..close];
    }

    /// <summary>True when the prolog (before the first element) holds a document type declaration.</summary>
    private static bool HasDoctype(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]) || text[i] == '\uFEFF')
            {
                i++;
                continue;
            }

            if (string.CompareOrdinal(text, i, "<!DOCTYPE", 0, 9) == 0)
            {
                return true;
            }

            var terminator = string.CompareOrdinal(text, i, "<!--", 0, 4) == 0 ? "-->"
                : string.CompareOrdinal(text, i, "<?", 0, 2) == 0 ? "?>"
                : null;
            var close = terminator is null ? -1 : text.IndexOf(terminator, i, StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            i = close + terminator!.Length;
        }

        return false;
    }

    /// <summary>A value from the document, cut short for a finding's text: findings travel back to the sender and into logs.</summary>
    internal static string Echo(string? value) => value is null ? "missing" : value.Length > 40 ? value[..40] + "…" : value;
}
