using System.Text;
using System.Text.Json;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>
/// FHIR's limit on strings ("Strings SHALL NOT exceed 1 MB in size", R4 datatypes), applied to FHIR JSON before the SDK
/// reads it. The SDK would turn every value into a .NET string (UTF-16: a 8 MB value becomes 16 MB, and more while it is
/// built), eight requests at a time; the hostile-input run peaked at 456 MB with such values. One allocation-free pass of
/// <see cref="Utf8JsonReader"/> finds values over the limit; only then is a copy made in which each of them is replaced by a
/// short placeholder, so the message is still read, its sender identified and a negative acknowledgement
/// (<see cref="MedComErrors.StringTooLong"/>, MedCom's <c>MSG_Element_To_Long</c>) sent. Attachment data
/// (<c>"data"</c>, base64Binary) has no such limit in FHIR and is left alone; the body limit bounds it.
/// </summary>
public static class JsonStringLimit
{
    /// <summary>1 MiB of UTF-8 (escaped) bytes between the quotes.</summary>
    public const int MaxStringBytes = 1024 * 1024;

    private static ReadOnlySpan<byte> Placeholder => "removed: longer than 1 MB"u8;

    /// <summary>
    /// Null when no string value is over <paramref name="maxBytes"/>; otherwise the body with each such value replaced by
    /// a placeholder, and the names of the properties that held them (one per value, in order).
    /// </summary>
    public static (byte[] Body, IReadOnlyList<string> Properties)? Shorten(ReadOnlySpan<byte> utf8, JsonReaderOptions options, int maxBytes = MaxStringBytes)
    {
        // Cheapest possible answer first: a body under the limit cannot hold a string over it.
        if (utf8.Length <= maxBytes)
        {
            return null;
        }

        List<(int Start, int Length, string Property)>? found = null;
        var reader = new Utf8JsonReader(utf8, options);
        var isData = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    isData = reader.ValueTextEquals("data"u8);
                }
                else if (reader.TokenType == JsonTokenType.String && !isData && reader.ValueSpan.Length > maxBytes)
                {
                    (found ??= []).Add(((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, PropertyBefore(utf8, (int)reader.TokenStartIndex)));
                }
            }
        }
        catch (JsonException)
        {
            // Malformed further on: what was found so far is still cut; the SDK then reports the syntax error.
        }

        if (found is null)
        {
            return null;
        }

        var removed = found.Sum(f => (long)f.Length);
        var body = new byte[utf8.Length - removed + (found.Count * Placeholder.Length)];
        var from = 0;
        var to = 0;
        foreach (var (start, length, _) in found)
        {
            utf8[from..start].CopyTo(body.AsSpan(to));
            to += start - from;
            Placeholder.CopyTo(body.AsSpan(to));
            to += Placeholder.Length;
            from = start + length;
        }

        utf8[from..].CopyTo(body.AsSpan(to));
        return (body, found.Select(f => f.Property).ToList());
    }

    /// <summary>The name of the property a value belongs to, read backwards from its opening quote (empty inside an array).</summary>
    private static string PropertyBefore(ReadOnlySpan<byte> utf8, int valueStart)
    {
        var i = valueStart - 1;
        while (i >= 0 && utf8[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i--;
        }

        if (i < 0 || utf8[i] != (byte)':')
        {
            return "";
        }

        i--;
        while (i >= 0 && utf8[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i--;
        }

        var end = i;
        if (end < 1 || utf8[end] != (byte)'"')
        {
            return "";
        }

        var start = utf8[..end].LastIndexOf((byte)'"');
        if (start < 0 || end - start - 1 > 64)
        {
            return "";
        }

        var name = Encoding.UTF8.GetString(utf8[(start + 1)..end]);
        return name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? name : "";
    }
}
