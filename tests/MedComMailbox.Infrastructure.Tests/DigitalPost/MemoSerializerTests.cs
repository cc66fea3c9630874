using System.Text;
using System.Xml.Linq;
using MedComMailbox.Infrastructure.DigitalPost;

namespace MedComMailbox.Infrastructure.Tests.DigitalPost;

public sealed class MemoSerializerTests
{
    private static readonly XNamespace Memo = MemoSerializer.Namespace;

    private static MemoLetter Letter(string label = "Anmodning om samtykke", string fileName = "samtykke.pdf", string url = "https://mailbox.sundby.dk/samtykke/t") => new(
        Guid.Parse("8f0c5b1e-8a4c-4d0e-9d1f-2f3b4c5d6e7f"), label, "29189129", "Sundby Kommune", "0101011234",
        new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.FromHours(1)),
        [new MemoFile(fileName, "application/pdf", Encoding.UTF8.GetBytes("%PDF-1.4"))],
        [new MemoAction("Giv samtykke", "SELVBETJENING", new Uri(url), End: new DateTimeOffset(2026, 12, 7, 23, 59, 0, TimeSpan.Zero))],
        AboutCpr: "2311114123",
        ReplyBy: new DateTimeOffset(2026, 12, 7, 23, 59, 0, TimeSpan.Zero));

    [Fact]
    public void Header_elements_come_in_schema_order()
    {
        var doc = XDocument.Parse(MemoSerializer.Serialize(Letter()));

        var header = doc.Root!.Element(Memo + "MessageHeader")!;
        Assert.Equal(["messageType", "messageUUID", "label", "reply", "replyByDateTime", "Sender", "Recipient", "ContentData"],
            header.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(["senderID", "idType", "label"], header.Element(Memo + "Sender")!.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("1.2", doc.Root.Attribute("memoVersion")!.Value);
    }

    [Fact]
    public void Body_holds_created_time_in_utc_files_then_actions()
    {
        var doc = XDocument.Parse(MemoSerializer.Serialize(Letter()));

        var body = doc.Root!.Element(Memo + "MessageBody")!;
        Assert.Equal("2026-11-23T10:00:00Z", body.Element(Memo + "createdDateTime")!.Value);
        var main = body.Element(Memo + "MainDocument")!;
        Assert.Equal(["File", "Action"], main.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(["encodingFormat", "filename", "language", "content"], main.Element(Memo + "File")!.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(["label", "actionCode", "endDateTime", "EntryPoint"], main.Element(Memo + "Action")!.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("%PDF-1.4", Encoding.UTF8.GetString(Convert.FromBase64String(main.Element(Memo + "File")!.Element(Memo + "content")!.Value)));
    }

    [Theory]
    [InlineData("Samtykke for 231111-4123")]
    [InlineData("Samtykke 2311114123")]
    [InlineData(" ")]
    public void Label_with_a_cpr_number_or_empty_is_refused(string label) =>
        Assert.Throws<MemoValidationException>(() => MemoSerializer.Serialize(Letter(label: label)));

    [Theory]
    [InlineData("a/b.pdf")]
    [InlineData("a:b.pdf")]
    [InlineData("a\nb.pdf")]
    [InlineData("a\u00A0b.pdf")]
    public void Forbidden_file_names_are_refused(string name) =>
        Assert.Throws<MemoValidationException>(() => MemoSerializer.Serialize(Letter(fileName: name)));

    [Fact]
    public void Non_https_action_urls_are_refused() =>
        Assert.Throws<MemoValidationException>(() => MemoSerializer.Serialize(Letter(url: "http://mailbox.sundby.dk/x")));
}
