using System.Text;
using MedComMailbox.Infrastructure.DigitalPost;

namespace MedComMailbox.Infrastructure.Tests.DigitalPost;

public sealed class PostStatusReaderTests
{
    private static string Callback(string status) =>
        "<ModtagBeskedInput><Besked><BeskedIndhold><Data>" +
        Convert.ToBase64String(Encoding.UTF8.GetBytes(status)) +
        "</Data></BeskedIndhold></Besked></ModtagBeskedInput>";

    [Fact]
    public void Reads_a_delivered_status()
    {
        var id = Guid.NewGuid();

        var status = Assert.Single(PostStatusReader.Read(Callback(
            $"<PKO_PostStatus><MessageUUID>{id}</MessageUUID><TransaktionsStatusKode>Afleveret Digital Post</TransaktionsStatusKode></PKO_PostStatus>")));

        Assert.Equal(id, status.MessageUuid);
        Assert.True(status.Delivered);
        Assert.False(status.Failed);
    }

    [Fact]
    public void Reads_a_failure_with_its_error_code()
    {
        var id = Guid.NewGuid();

        var status = Assert.Single(PostStatusReader.Read(Callback(
            $"<ns:PKO_PostStatus xmlns:ns=\"urn:x\"><ns:MessageUUID>{id}</ns:MessageUUID><ns:TransaktionsStatusKode>Fejlet</ns:TransaktionsStatusKode><ns:FejlDetaljer><ns:FejlKode>memo.invalid</ns:FejlKode></ns:FejlDetaljer></ns:PKO_PostStatus>")));

        Assert.True(status.Failed);
        Assert.Equal("memo.invalid", status.ErrorCode);
    }

    [Fact]
    public void Refuses_a_dtd() =>
        Assert.ThrowsAny<System.Xml.XmlException>(() => PostStatusReader.Read("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"));

    [Fact]
    public void Envelope_without_status_yields_nothing() =>
        Assert.Empty(PostStatusReader.Read("<ModtagBeskedInput><Besked/></ModtagBeskedInput>"));
}
