using System.Xml.Linq;

namespace MedComMailbox.MedCom.OioXml;

/// <summary>How the OIOXML readers take simple values, instants and formatted texts out of elements.</summary>
internal static class OioXmlElements
{
    internal const string Root = "Emessage";

    internal static DateTimeOffset? Instant(XElement? dateTime, XNamespace ns) =>
        dateTime is null ? null : CopenhagenTime.Parse(Value(dateTime, ns + "Date"), Value(dateTime, ns + "Time"));

    // A simple value has no child elements; one that has is not a value (and XElement.Value would concatenate its descendants).
    internal static string? Value(XElement? parent, XName name) =>
        parent?.Element(name) is { HasElements: false } element && element.Value.Trim() is { Length: > 0 } value ? value : null;

    internal static string? FormattedValue(XElement? element) =>
        element is null ? null : OioXmlText.Read(element) is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;
}
