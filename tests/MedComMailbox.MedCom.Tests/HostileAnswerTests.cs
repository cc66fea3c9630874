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
}
