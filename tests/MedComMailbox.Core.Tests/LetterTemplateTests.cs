using MedComMailbox.Core.Letters;

namespace MedComMailbox.Core.Tests;

public sealed class LetterTemplateTests
{
    [Fact]
    public void Every_default_letter_is_a_valid_template() =>
        Assert.All(Enum.GetValues<LetterKind>(), kind => Assert.Equal(kind, DefaultLetters.Get(kind).Kind));

    [Fact]
    public void Renders_placeholders_with_and_without_spaces()
    {
        var template = LetterTemplate.Create(LetterKind.GpReceipt, "Kvittering", "Hej {{gpName}}, om {{ childName }}.");

        Assert.Equal("Hej Lægerne i Sundby, om Barn.", template.Render(new Dictionary<string, string> { ["gpName"] = "Lægerne i Sundby", ["childName"] = "Barn" }));
    }

    [Fact]
    public void Unknown_placeholder_stops_with_a_sentence_saying_which_and_where()
    {
        var ex = Assert.Throws<LetterTemplateException>(() => LetterTemplate.Create(LetterKind.GpReceipt, "Kvittering", "Frist {{deadline}}"));

        Assert.Contains("GpReceipt", ex.Message);
        Assert.Contains("{{deadline}}", ex.Message);
    }

    [Fact]
    public void Title_may_not_carry_placeholders() =>
        Assert.Throws<LetterTemplateException>(() => LetterTemplate.Create(LetterKind.ConsentRequest, "Samtykke for {{childName}}", "x"));

    [Fact]
    public void Missing_value_is_an_error_not_a_blank()
    {
        var template = LetterTemplate.Create(LetterKind.GpReceipt, "Kvittering", "{{childName}}");

        Assert.Throws<InvalidOperationException>(() => template.Render(new Dictionary<string, string>()));
    }
}
