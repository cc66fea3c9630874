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

    public static TheoryData<LetterKind> ChildKinds() => [.. Enum.GetValues<LetterKind>().Where(k => ChildLetters.ParentsKind(k) is not null)];

    [Theory]
    [MemberData(nameof(ChildKinds))]
    public void The_default_letters_to_the_child_speak_to_the_child_not_in_the_parents_voice(LetterKind kind)
    {
        var text = DefaultLetters.Templates[kind].Text;
        var words = System.Text.RegularExpressions.Regex.Split(text, @"[^\p{L}]+").Where(w => w.Length > 0).ToList();

        Assert.Contains(words, w => w is "du" or "dig" or "din" or "dit" or "Du");
        Assert.DoesNotContain(words, w => w is "jeres" or "I" or "Jeres" or "forældremyndighed" or "forældremyndighedsindehaver");
        Assert.DoesNotContain("jeres barn", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("{{childName}}", text, StringComparison.Ordinal);
        // The parents' letter of the same kind is what the child's text stands in for: the same fields are supplied.
        Assert.Equal(LetterPlaceholders.For(ChildLetters.ParentsKind(kind)!.Value), LetterPlaceholders.For(kind));
        Assert.Equal(kind, ChildLetters.For(ChildLetters.ParentsKind(kind)!.Value));
    }

    [Theory]
    [InlineData(LetterKind.ConsentRequest)]
    [InlineData(LetterKind.ConsentReminder)]
    [InlineData(LetterKind.ClosedNoConsent)]
    [InlineData(LetterKind.Decision)]
    [InlineData(LetterKind.CourseMeeting)]
    [InlineData(LetterKind.ConsentStopped)]
    public void Every_default_letter_to_the_family_ends_with_the_committees_phone_and_e_mail(LetterKind kind)
    {
        foreach (var text in new[] { DefaultLetters.Templates[kind].Text, DefaultLetters.Templates[ChildLetters.For(kind)].Text })
        {
            Assert.Contains("{{committeePhone}}", text, StringComparison.Ordinal);
            Assert.Contains("{{committeeEmail}}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_receipt_of_a_re_referral_on_a_valid_consent_says_no_requests_are_on_their_way()
    {
        var text = DefaultLetters.Get(LetterKind.GpReceiptConsentJoined).Render(new Dictionary<string, string>
        {
            ["receivedDate"] = "16. november 2026", ["childName"] = "Barn", ["committee"] = "Udvalget", ["municipality"] = "Kommunen", ["stillToConsent"] = "",
        });

        Assert.Contains("allerede et gyldigt samtykke", text, StringComparison.Ordinal);
        Assert.Contains("næste møde", text, StringComparison.Ordinal);
        Assert.DoesNotContain("anmodning om samtykke", text, StringComparison.Ordinal);
    }
}
