using MedComMailbox.Web.Pages.Messages;

namespace MedComMailbox.IntegrationTests.Web;

/// <summary>What the message view prints for attachment sizes and which attachment URLs become links.</summary>
public sealed class MessageViewFormattingTests
{
    [Theory]
    [InlineData(611, "611 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(2048, "2 kB")]
    [InlineData(1536, "1,5 kB")]
    [InlineData(3 * 1024 * 1024 + 400 * 1024, "3,4 MB")]
    public void Sizes_are_readable(long bytes, string expected) => Assert.Equal(expected, DetailModel.Size(bytes));

    [Theory]
    [InlineData("https://www.medcom.dk/bilag.pdf", true)]
    [InlineData("http://example.org/x", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("data:text/html,x", false)]
    [InlineData(null, false)]
    public void Only_web_urls_become_links(string? url, bool linkable) => Assert.Equal(linkable, DetailModel.IsLinkable(url));

    [Theory]
    [InlineData("2026-07-01T12:00:00+00:00", "01-07-2026 kl. 14:00")]
    [InlineData("2026-07-01T14:00:00+02:00", "01-07-2026 kl. 14:00")]
    [InlineData("2026-01-15T08:30:00-05:00", "15-01-2026 kl. 14:30")]
    public void Times_from_any_zone_are_shown_in_danish_time(string at, string expected) =>
        Assert.Equal(expected, MedComMailbox.Web.Pages.Display.Time(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Categories_and_roles_are_shown_in_danish()
    {
        Assert.Equal("Vedr. henvisning", DetailModel.CategoryName("regarding-referral"));
        Assert.Equal("Overlæge", DetailModel.RoleName("overlaege"));
    }
}
