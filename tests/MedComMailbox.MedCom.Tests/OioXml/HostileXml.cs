using System.Text;

namespace MedComMailbox.MedCom.Tests.OioXml;

/// <summary>Bodies an attacker or a broken sender might deliver, each with the finding it must produce.</summary>
internal static class HostileXml
{
    public static byte[] Body(string name) => name switch
    {
        "xxe" => Utf8("""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Emessage>&e;</Emessage>"""),
        "external-dtd" => Utf8("""<!DOCTYPE Emessage SYSTEM "http://example.invalid/evil.dtd"><Emessage/>"""),
        "billion-laughs" => Utf8(BillionLaughs()),
        "doctype-after-comment" => Utf8("""<!-- hi --><?pi x?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>"""),
        "truncated" => Utf8("""<?xml version="1.0"?><Emessage xmlns="http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2006/07/01/"><Envelope><Ident"""),
        "invalid-utf8" => [.. Utf8("<Emessage><Envelope>"), 0xC3, 0x28, 0xFF, .. Utf8("</Envelope></Emessage>")],
        "empty" => [],
        "whitespace" => Utf8("  \r\n\t "),
        "not-xml" => Utf8("Hej, dette er ikke XML"),
        "undeclared-entity" => Utf8("<Emessage>&nbsp;</Emessage>"),
        "unknown-encoding" => Utf8("""<?xml version="1.0" encoding="x-no-such-encoding"?><Emessage/>"""),
        "huge-element" => HugeElement(),
        "deep-nesting" => Utf8(Nested("a", 1_000_000)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>Every hostile body and the code of the finding it must give.</summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "xxe", "xml-dtd-forbidden" },
        { "external-dtd", "xml-dtd-forbidden" },
        { "billion-laughs", "xml-dtd-forbidden" },
        { "doctype-after-comment", "xml-dtd-forbidden" },
        { "truncated", "syntax-invalid" },
        { "invalid-utf8", "syntax-invalid" },
        { "empty", "body-empty" },
        { "whitespace", "body-empty" },
        { "not-xml", "syntax-invalid" },
        { "undeclared-entity", "syntax-invalid" },
        { "unknown-encoding", "syntax-invalid" },
        { "huge-element", "syntax-invalid" },
        { "deep-nesting", "syntax-invalid" },
    };

    /// <summary>An element holding more text than the 50 MB cap.</summary>
    public static byte[] HugeElement()
    {
        var open = Utf8("<Emessage><Envelope><Identifier>");
        var close = Utf8("</Identifier></Envelope></Emessage>");
        var body = new byte[open.Length + 51 * 1024 * 1024 + close.Length];
        open.CopyTo(body, 0);
        body.AsSpan(open.Length, 51 * 1024 * 1024).Fill((byte)'A');
        close.CopyTo(body, body.Length - close.Length);
        return body;
    }

    /// <summary>Elements nested <paramref name="depth"/> deep (the root counts as depth 0).</summary>
    public static string Nested(string name, int depth) =>
        string.Concat(Enumerable.Repeat($"<{name}>", depth)) + "x" + string.Concat(Enumerable.Repeat($"</{name}>", depth));

    private static string BillionLaughs()
    {
        var dtd = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            dtd.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))};", 10))}\">");
        }

        return dtd.Append("]><lolz>&lol9;</lolz>").ToString();
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
