using MedComMailbox.Core.Consent;
using MedComMailbox.Core.People;

namespace MedComMailbox.Core.Tests;

public sealed class CprNumberTests
{
    [Theory]
    [InlineData("2512489996", 1948, 12, 25)]
    [InlineData("0101150123", 1915, 1, 1)]
    [InlineData("2311114123", 2011, 11, 23)]
    [InlineData("0101385123", 2038, 1, 1)]
    [InlineData("0101585123", 1858, 1, 1)]
    [InlineData("0101379123", 1937, 1, 1)]
    [InlineData("010101-4123", 2001, 1, 1)]
    public void Birth_date_follows_the_century_rule(string text, int y, int m, int d) =>
        Assert.Equal(new DateOnly(y, m, d), CprNumber.Parse(text).BirthDate);

    [Theory]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("3102101234")]
    [InlineData("0113101234")]
    [InlineData("abcdefghij")]
    [InlineData(null)]
    public void Rejects_non_cpr(string? text) => Assert.False(CprNumber.TryParse(text, out _));

    [Fact]
    public void ToString_masks_the_serial_part() => Assert.Equal("231111-xxxx", CprNumber.Parse("2311114123").ToString());

    [Theory]
    [InlineData("2026-11-22", false)]
    [InlineData("2026-11-23", true)]
    public void Child_consents_from_the_fifteenth_birthday(string on, bool mustConsent) =>
        Assert.Equal(mustConsent, ConsentPolicy.Default.ChildMustConsent(CprNumber.Parse("2311114123"), DateOnly.Parse(on, System.Globalization.CultureInfo.InvariantCulture)));
}
