using System.Text;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>The result of parsing a FHIR body: the resource (null when nothing usable came out) and the findings.</summary>
public sealed record FhirParseResult(Resource? Resource, IReadOnlyList<MedComIssue> Issues);

/// <summary>
/// FHIR JSON/XML to POCOs and back, with the SDK's strict deserializer. Parse errors the receiver must
/// tolerate (FHIR only says "should" about leading/trailing whitespace: XML126) become warnings;
/// any other base-specification error is reported (the MedCom receiver rejects such a message).
/// XML is read with DTDs prohibited and no resolver, so no entity can expand or fetch anything.
/// </summary>
public static class FhirCodec
{
    /// <summary>Error codes of the SDK that a receiver must not reject a message for.</summary>
    private static readonly HashSet<string> Tolerated = new(StringComparer.Ordinal) { "XML126", "JSON126" };

    private static readonly FhirJsonDeserializer Json = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
    private static readonly FhirXmlDeserializer Xml = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    public static FhirParseResult ParseJson(ReadOnlySpan<byte> utf8)
    {
        // A UTF-8 byte order mark is read past, as the XML reader does (System.Text.Json refuses it).
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        try
        {
            var options = new System.Text.Json.JsonReaderOptions { MaxDepth = 128, CommentHandling = System.Text.Json.JsonCommentHandling.Disallow };
            // Values over FHIR's 1 MB string limit are cut out before the SDK turns them into .NET strings.
            var shortened = JsonStringLimit.Shorten(utf8, options);
            var reader = new System.Text.Json.Utf8JsonReader(shortened is { } cut ? cut.Body : utf8, options);
            Json.TryDeserializeResource(reader, out var resource, out var errors);
            var result = Classify(resource, errors);
            return shortened is { } found
                ? result with { Issues = [.. found.Properties.Select(p => MedComErrors.StringTooLong.At(p.Length > 0 ? p : null)), .. result.Issues] }
                : result;
        }
        catch (System.Text.Json.JsonException ex)
        {
            return new(null, [MedComErrors.SyntaxInvalid.At(detail: Describe(ex))]);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or DecoderFallbackException)
        {
            return new(null, [MedComErrors.SyntaxInvalid.At(detail: ex.GetType().Name)]);
        }
    }

    public static FhirParseResult ParseXml(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            if (NestedTooDeep(stream))
            {
                return new(null, [MedComErrors.SyntaxInvalid.At(detail: $"elements nested deeper than {OioXml.SafeXml.MaxDepth}")]);
            }

            stream.Position = 0;
            using var reader = XmlReader.Create(stream, SecureXmlSettings());
            Xml.TryDeserializeResource(reader, out var resource, out var errors);
            return Classify(resource, errors);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("entit", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, [MedComErrors.XmlDtdForbidden.At()]);
        }
        catch (XmlException ex)
        {
            return new(null, [MedComErrors.SyntaxInvalid.At(detail: $"line {ex.LineNumber}, position {ex.LinePosition}")]);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or DecoderFallbackException)
        {
            return new(null, [MedComErrors.SyntaxInvalid.At(detail: ex.GetType().Name)]);
        }
    }

    public static string ToJson(Resource resource, bool pretty = true) => resource.ToJson(pretty);

    public static string ToXml(Resource resource, bool pretty = true) => resource.ToXml(pretty);

    /// <summary>
    /// The SDK's XML deserializer recurses once per element level, so a hostile document nested 100,000 deep overflows the
    /// stack, which no catch can stop: the whole process dies (found by <c>bench faults hostile</c>). A streaming pre-scan
    /// refuses such nesting first; MedCom bundles are about ten levels deep.
    /// </summary>
    private static bool NestedTooDeep(Stream stream)
    {
        var settings = SecureXmlSettings();
        settings.CloseInput = false;
        using var scan = XmlReader.Create(stream, settings);
        while (scan.Read())
        {
            if (scan.NodeType == XmlNodeType.Element && scan.Depth > OioXml.SafeXml.MaxDepth)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reader settings for any XML from outside: no DTD, no resolver, bounded size and depth (see <see cref="OioXml.SafeXml"/>).</summary>
    public static XmlReaderSettings SecureXmlSettings() => OioXml.SafeXml.CreateReaderSettings();

    private static FhirParseResult Classify(Resource? resource, IEnumerable<CodedException>? errors)
    {
        var issues = new List<MedComIssue>();
        foreach (var error in errors ?? [])
        {
            if (Tolerated.Contains(error.ErrorCode))
            {
                issues.Add(MedComErrors.WhitespaceTrimmed.At(Location(error)));
            }
            else if (resource is null)
            {
                issues.Add(MedComErrors.SyntaxInvalid.At(Location(error), error.ErrorCode));
            }
            else
            {
                issues.Add(MedComErrors.FhirStructureInvalid.At(Location(error), $"{error.ErrorCode}: {Trim(error.Message)}"));
            }
        }

        if (resource is null && issues.Count == 0)
        {
            issues.Add(MedComErrors.SyntaxInvalid.At());
        }

        return new(resource, issues);
    }

    private static string? Location(CodedException error) => error switch
    {
        ExtendedCodedException e => e.InstancePath ?? (e.LineNumber is { } line ? $"line {line}" : null),
        _ => null,
    };

    // SDK messages can quote element values; keep only the part before any quoted value so patient data
    // never travels into an acknowledgement or a log line.
    private static string Trim(string message)
    {
        var quote = message.IndexOfAny(['\'', '"']);
        var text = quote > 0 ? message[..quote].TrimEnd() : message;
        return text.Length > 200 ? text[..200] : text;
    }

    private static string Describe(System.Text.Json.JsonException ex) =>
        ex.LineNumber is { } line ? $"line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}" : "malformed JSON";
}
