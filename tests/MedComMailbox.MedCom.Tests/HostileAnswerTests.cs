using System.Text;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.Tests;

namespace MedComMailbox.MedCom.Tests;

/// <summary>What a hostile message can make us say is bounded: issues, their texts and the negative acknowledgement.</summary>
public sealed class HostileAnswerTests
{
    private static readonly MailboxIdentity Us = new("5790000991006", "1234561000016001", "Koordinationsudvalget for børn og unge, Eksempel Kommune");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1));

    private static List<MedComIssue> ManyIssues(int count, int textLength = 40) =>
        Enumerable.Range(1, count)
            .Select(i => new MedComIssue("syntax-invalid", MedComIssueSeverity.Error, new string('æ', textLength), new string('e', textLength), $"Bundle.entry[{i}]"))
            .ToList();

    [Fact]
    public void At_most_a_hundred_issues_are_shown_and_the_last_counts_the_rest()
    {
        var shown = IssueLimits.Limit(ManyIssues(250));

        Assert.Equal(IssueLimits.MaxIssues, shown.Count);
        Assert.Equal(IssueLimits.MoreIssuesCode, shown[^1].Code);
        Assert.Equal("151 further issues are not shown", shown[^1].TextEn);
        Assert.Equal("151 yderligere fejl er ikke vist", shown[^1].TextDa);
        Assert.True(shown[^1].IsBlocking);
    }

    [Fact]
    public void A_hundred_issues_or_fewer_are_shown_as_they_are_but_cut_to_a_readable_length()
    {
        var few = ManyIssues(100);
        Assert.Same(few, IssueLimits.Limit(few));

        var cut = IssueLimits.Limit(ManyIssues(3, textLength: 5_000_000));
        Assert.All(cut, i => Assert.True(i.TextDa.Length <= IssueLimits.MaxTextLength && i.TextEn.Length <= IssueLimits.MaxTextLength));
    }

    [Fact]
    public void A_negative_acknowledgement_stays_under_eight_kilobytes_whatever_came_in()
    {
        var received = new InboundReader([Us]).Read(File.ReadAllBytes(RepoPaths.Sample("invalid", "topic-required.json")), null);

        var document = new AcknowledgementFactory().CreateAcknowledgement(received, AcknowledgementOutcome.FatalError, ManyIssues(100_000, textLength: 1000), Us, Now)!;

        Assert.True(document.Body.Length <= AcknowledgementFactory.MaxAcknowledgementBytes, $"{document.Body.Length} bytes");
        var ack = (MedComFhirMessage)new InboundReader().Read(document.Body, null).Parsed!;
        Assert.Equal("fatal-error", ack.Acknowledgement!.Code);
        Assert.Contains(ack.Acknowledgement.Issues, i => (i.Text ?? "").Contains("further issues are not shown", StringComparison.Ordinal) || (i.Text ?? "").Contains("yderligere fejl", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_with_a_utf8_byte_order_mark_is_read_like_xml_with_one()
    {
        var plain = File.ReadAllBytes(RepoPaths.Sample("carecommunication", "gp-referral-child.json"));
        byte[] withBom = [.. Encoding.UTF8.GetPreamble(), .. plain];

        var read = new InboundReader([Us]).Read(withBom, "application/fhir+json");

        Assert.True(read.IsValid, string.Join("; ", read.Issues.Select(i => i.Code)));
        Assert.Equal(new InboundReader([Us]).Read(plain, "application/fhir+json").Summary.MessageId, read.Summary.MessageId);
    }
    [Fact]
    public void A_string_over_fhirs_one_megabyte_limit_is_refused_as_too_long_and_the_sender_still_gets_a_negative_acknowledgement()
    {
        var plain = File.ReadAllText(RepoPaths.Sample("carecommunication", "gp-referral-child.json"));
        var huge = WithText(plain, new string('x', 3 * 1024 * 1024));

        var read = new InboundReader([Us]).Read(huge, "application/fhir+json");

        Assert.False(read.IsValid);
        var tooLong = Assert.Single(read.Issues, i => i.Code == MedComErrors.StringTooLong.Code);
        Assert.Equal("contentString", tooLong.Location);
        var known = new InboundReader([Us]).Read(Encoding.UTF8.GetBytes(plain), "application/fhir+json").Summary;
        Assert.Equal(known.MessageId, read.Summary.MessageId);
        Assert.Equal(known.SenderGln, read.Summary.SenderGln);
        var nack = new AcknowledgementFactory().CreateAcknowledgement(read, AcknowledgementOutcome.FatalError, read.Issues, Us, Now)!;
        Assert.Contains(MedComErrors.AckCodes.TooLong, Encoding.UTF8.GetString(nack.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void Strings_up_to_the_limit_and_attachment_data_of_any_size_are_not_cut()
    {
        var plain = File.ReadAllText(RepoPaths.Sample("carecommunication", "gp-referral-child.json"));
        var options = new System.Text.Json.JsonReaderOptions { MaxDepth = 128 };
        var start = plain.IndexOf("\"contentString\": \"", StringComparison.Ordinal) + "\"contentString\": \"".Length;
        var valueBytes = Encoding.UTF8.GetByteCount(plain[start..plain.IndexOf('"', start)]);
        var atLimit = WithText(plain, new string('x', JsonStringLimit.MaxStringBytes - valueBytes));
        Assert.Null(JsonStringLimit.Shorten(atLimit, options));
        Assert.NotNull(JsonStringLimit.Shorten(WithText(plain, new string('x', JsonStringLimit.MaxStringBytes - valueBytes + 1)), options));

        var attachment = File.ReadAllText(RepoPaths.Sample("carecommunication", "gp-referral-with-attachment.json"));
        var at = attachment.IndexOf("\"data\"", StringComparison.Ordinal);
        var open = attachment.IndexOf('"', at + "\"data\"".Length + 1);
        var large = Encoding.UTF8.GetBytes(attachment.Insert(open + 1, Convert.ToBase64String(new byte[3 * 1024 * 1024])));
        Assert.Null(JsonStringLimit.Shorten(large, options));

        var twice = WithText(plain, new string('y', 2 * 1024 * 1024));
        var cut = JsonStringLimit.Shorten(twice, options)!.Value;
        Assert.Equal(["contentString"], cut.Properties);
        Assert.True(cut.Body.Length < plain.Length + 100, $"{cut.Body.Length} bytes");
        using var document = System.Text.Json.JsonDocument.Parse(cut.Body);
    }

    private static byte[] WithText(string referral, string text)
    {
        var at = referral.IndexOf("\"contentString\": \"", StringComparison.Ordinal) + "\"contentString\": \"".Length;
        return Encoding.UTF8.GetBytes(referral.Insert(at, text));
    }
}
