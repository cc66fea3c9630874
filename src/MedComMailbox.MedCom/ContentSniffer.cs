using System.Text;

namespace MedComMailbox.MedCom;

/// <summary>
/// Tells the wire syntax of a body from its first bytes, for callers that get no reliable content type
/// (files from the VANS provider's folder, the CLI). Cheap: looks at the first significant character and the root element name.
/// </summary>
public static class ContentSniffer
{
    public const string FhirJson = "application/fhir+json";
    public const string FhirXml = "application/fhir+xml";
    public const string Xml = "application/xml";

    private const int Window = 4096;

    /// <summary>The content type to send a body with: FHIR JSON, FHIR XML, or plain XML (VANS envelope / OIOXML).</summary>
    public static string DetectContentType(ReadOnlySpan<byte> body)
    {
        var head = Head(body);
        var first = head.TrimStart('\uFEFF').TrimStart();
        if (first.StartsWith('{') || first.StartsWith('['))
        {
            return FhirJson;
        }

        return RootElementNamespace(first) == "http://hl7.org/fhir" ? FhirXml : Xml;
    }

    /// <summary>The local name of the first element, or null when the body is not XML.</summary>
    public static string? RootElementName(ReadOnlySpan<byte> body) => RootElement(Head(body).TrimStart('\uFEFF').TrimStart()).Name;

    private static string Head(ReadOnlySpan<byte> body) =>
        Encoding.UTF8.GetString(body[..Math.Min(body.Length, Window)]);

    private static string? RootElementNamespace(string text) => RootElement(text).Namespace;

    private static (string? Name, string? Namespace) RootElement(string text)
    {
        var i = 0;
        while (true)
        {
            i = text.IndexOf('<', i);
            if (i < 0 || i + 1 >= text.Length)
            {
                return (null, null);
            }

            // Skip the XML declaration, comments, processing instructions and DOCTYPE: the root is the first real element.
            if (text[i + 1] is '?' or '!')
            {
                i++;
                continue;
            }

            var end = text.IndexOfAny([' ', '>', '/', '\t', '\r', '\n'], i + 1);
            if (end < 0)
            {
                return (null, null);
            }

            var qualified = text[(i + 1)..end];
            var colon = qualified.IndexOf(':');
            var prefix = colon < 0 ? null : qualified[..colon];
            var name = colon < 0 ? qualified : qualified[(colon + 1)..];
            var close = text.IndexOf('>', end);
            var attributes = close < 0 ? text[end..] : text[end..close];
            var xmlns = prefix is null ? "xmlns=\"" : $"xmlns:{prefix}=\"";
            var at = attributes.IndexOf(xmlns, StringComparison.Ordinal);
            string? ns = null;
            if (at >= 0)
            {
                var start = at + xmlns.Length;
                var stop = attributes.IndexOf('"', start);
                ns = stop < 0 ? null : attributes[start..stop];
            }

            return (name, ns);
        }
    }
}
