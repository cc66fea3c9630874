using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace MedComMailbox.MedCom.OioXml;

/// <summary>OIOXML formatted text (Text01, RefuseText): line breaks are &lt;Break/&gt; elements, not characters.</summary>
internal static class OioXmlText
{
    /// <summary>
    /// The plain text of a formatted-text element: Break is a line break, Space a space, Bold/Italic/… keep
    /// their text. Raw line breaks in the XML are layout (MedCom's own examples are pretty-printed), so a
    /// whitespace run holding one is dropped at the edge of a text node and becomes one space inside it.
    /// </summary>
    public static string Read(XElement element)
    {
        var text = new StringBuilder();
        Append(element, text);
        return text.ToString();
    }

    /// <summary>Text with line breaks as Break elements, ready to be the content of a formatted-text element.</summary>
    public static IEnumerable<XNode> Write(string text, XNamespace ns)
    {
        var lines = Clean(text).ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                yield return new XElement(ns + "Break");
            }

            if (lines[i].Length > 0)
            {
                yield return new XText(lines[i]);
            }
        }
    }

    /// <summary>Removes characters XML 1.0 cannot carry (control characters, lone surrogates), so a typed text cannot break the document.</summary>
    public static string Clean(string text)
    {
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i]))
            {
                clean.Append(text[i]);
            }
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                clean.Append(text[i]).Append(text[i + 1]);
                i++;
            }
        }

        return clean.ToString();
    }

    private static void Append(XElement element, StringBuilder text)
    {
        foreach (var node in element.DescendantNodes())
        {
            switch (node)
            {
                case XText part:
                    AppendText(part.Value, text);
                    break;
                case XElement { Name.LocalName: "Break" }:
                    text.Append('\n');
                    break;
                case XElement { Name.LocalName: "Space" }:
                    text.Append(' ');
                    break;
            }
        }
    }

    private static void AppendText(string value, StringBuilder text)
    {
        var i = 0;
        while (i < value.Length)
        {
            if (!IsXmlSpace(value[i]))
            {
                text.Append(value[i++]);
                continue;
            }

            var start = i;
            var layout = false;
            while (i < value.Length && IsXmlSpace(value[i]))
            {
                layout |= value[i] is '\r' or '\n';
                i++;
            }

            if (!layout)
            {
                text.Append(value, start, i - start);
            }
            else if (start > 0 && i < value.Length)
            {
                text.Append(' ');
            }
        }
    }

    private static bool IsXmlSpace(char c) => c is ' ' or '\t' or '\r' or '\n';
}
