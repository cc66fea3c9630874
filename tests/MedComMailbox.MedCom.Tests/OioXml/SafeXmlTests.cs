using System.Text;
using System.Xml.Linq;
using MedComMailbox.MedCom.OioXml;

namespace MedComMailbox.MedCom.Tests.OioXml;

public sealed class SafeXmlTests
{
    [Theory]
    [MemberData(nameof(HostileXml.Cases), MemberType = typeof(HostileXml))]
    public void Hostile_input_gives_a_finding_and_no_document(string name, string expectedCode)
    {
        var loaded = SafeXml.TryLoad(HostileXml.Body(name), out var document, out var issue);

        Assert.False(loaded);
        Assert.Null(document);
        Assert.Equal(expectedCode, issue?.Code);
    }

    [Fact]
    public void Reader_settings_forbid_dtds_and_resolving()
    {
        var settings = SafeXml.CreateReaderSettings();

        Assert.Equal(System.Xml.DtdProcessing.Prohibit, settings.DtdProcessing);
        Assert.Equal(SafeXml.MaxDocumentSize, settings.MaxCharactersInDocument);
        Assert.True(settings.MaxCharactersFromEntities > 0, "0 means unlimited in .NET");
    }

    [Fact]
    public void Predefined_entities_and_character_references_still_work()
    {
        var body = Encoding.UTF8.GetBytes("<a b=\"x &amp; y &quot;z&quot;\">&lt;p&gt; &#230;&#xF8;</a>");

        Assert.True(SafeXml.TryLoad(body, out var document, out _));
        Assert.Equal("x & y \"z\"", document!.Root!.Attribute("b")!.Value);
        Assert.Equal("<p> æø", document.Root.Value);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_accepted()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Ærø</a>")];

        Assert.True(SafeXml.TryLoad(body, out var document, out _));
        Assert.Equal("Ærø", document!.Root!.Value);
    }

    [Fact]
    public void A_utf16_document_with_byte_order_mark_is_accepted()
    {
        var body = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>Ærø</a>")).ToArray();

        Assert.True(SafeXml.TryLoad(body, out var document, out _));
        Assert.Equal("Ærø", document!.Root!.Value);
    }

    [Theory]
    [InlineData("ISO-8859-1")]
    [InlineData("iso-8859-1")]
    [InlineData("latin1")]
    public void A_latin1_document_is_decoded_by_its_declaration(string declared)
    {
        var body = Encoding.Latin1.GetBytes($"<?xml version=\"1.0\" encoding=\"{declared}\"?><a>Søren Ærø på Åsen</a>");

        Assert.True(SafeXml.TryLoad(body, out var document, out _));
        Assert.Equal("Søren Ærø på Åsen", document!.Root!.Value);
    }

    [Fact]
    public void A_document_declared_latin1_but_written_in_utf8_keeps_its_letters()
    {
        // As MedCom's Flow3-XDIS91_Ex_from_FHIR.xml: the declaration says ISO-8859-1, the bytes are UTF-8.
        var body = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><a>Undersøgelser</a>");

        Assert.True(SafeXml.TryLoad(body, out var document, out _));
        Assert.Equal("Undersøgelser", document!.Root!.Value);
    }

    [Fact]
    public void A_windows_1252_document_is_decoded_without_a_process_wide_provider()
    {
        byte[] body = [.. Encoding.ASCII.GetBytes("<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>"), 0x80, 0xE6, .. Encoding.ASCII.GetBytes("</a>")];

        Assert.True(SafeXml.TryLoad(body, out var document, out _));
        Assert.Equal("€æ", document!.Root!.Value);
    }

    [Fact]
    public void Whitespace_in_mixed_content_is_preserved()
    {
        var body = Encoding.UTF8.GetBytes("<a>x<b/> <c/></a>");

        Assert.True(SafeXml.TryLoad(body, out var document, out _));
        Assert.Equal(4, document!.Root!.Nodes().Count());
    }

    [Fact]
    public void A_syntax_error_names_its_line_but_no_content()
    {
        var body = Encoding.UTF8.GetBytes("<a>\n<b>Hemmelig Hansen</c></a>");

        Assert.False(SafeXml.TryLoad(body, out _, out var issue));
        Assert.Equal(MedComErrors.SyntaxInvalid.Code, issue!.Code);
        Assert.Contains("line 2", issue.TextEn, StringComparison.Ordinal);
        Assert.DoesNotContain("Hansen", issue.TextEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var body = Encoding.UTF8.GetBytes(HostileXml.Nested("a", SafeXml.MaxDepth + 1));

        Assert.True(SafeXml.TryLoad(body, out var document, out _));
        Assert.Equal(SafeXml.MaxDepth + 1, document!.Descendants("a").Count());
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_refused()
    {
        var body = Encoding.UTF8.GetBytes(HostileXml.Nested("a", SafeXml.MaxDepth + 2));

        Assert.False(SafeXml.TryLoad(body, out _, out var issue));
        Assert.Equal(MedComErrors.SyntaxInvalid.Code, issue!.Code);
    }

    [Fact]
    public void Text_can_be_loaded_directly()
    {
        Assert.True(SafeXml.TryLoad("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>ø</a>", out var document, out _));
        Assert.Equal(XName.Get("a"), document!.Root!.Name);
    }
}
