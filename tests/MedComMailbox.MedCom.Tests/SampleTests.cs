using MedComMailbox.MedCom.Fhir;
using MedComMailbox.Tests;

namespace MedComMailbox.MedCom.Tests;

/// <summary>
/// Golden files: every sample in medcom-samples/ is read with the installation's two mailboxes as known
/// receivers. Valid samples validate; each file in invalid/ fails with exactly the rule it is named after.
/// </summary>
public sealed class SampleTests
{
    private static readonly MailboxIdentity[] OurMailboxes =
    [
        new("5790000991006", "1234561000016001", "Koordinationsudvalget for børn og unge, Eksempel Kommune"),
        new("5790000991013", "1234571000016003", "Sundhedsplejen, Eksempel Kommune"),
    ];

    /// <summary>
    /// Rules no single file can break: they need a transport, or state across messages; or, for profile-code-unknown, a
    /// required MedCom binding our own rules do not already check (CareCommunication 5.0.2 has none: ProfileFindingsTests);
    /// or, for string-too-long, a file over a megabyte (HostileAnswerTests makes one).
    /// </summary>
    private static readonly HashSet<string> NotFileRules = [MedComErrors.WhitespaceTrimmed.Code, MedComErrors.PayloadProvenanceMismatch.Code, MedComErrors.BundleIdReused.Code, MedComErrors.ProfileCodeUnknown.Code, MedComErrors.StringTooLong.Code];

    /// <summary>
    /// Inbound samples are read as our mailbox reads them. Samples we send (sender is one of ours) are read as
    /// their receiver would: with the receiver's location number as the known one.
    /// </summary>
    private static InboundReadResult Read(string path) => Read(File.ReadAllBytes(path));

    private static InboundReadResult Read(byte[] body)
    {
        var result = new InboundReader(OurMailboxes).Read(body, contentType: null);
        var ours = OurMailboxes.Select(m => m.Gln).ToHashSet();
        return result.Summary is { SenderGln: { } sender, ReceiverGln: { } receiver } && ours.Contains(sender) && !ours.Contains(receiver)
            ? new InboundReader([new MailboxIdentity(receiver, "", "")]).Read(body, contentType: null)
            : result;
    }

    private static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(RepoPaths.Sample(folder), "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> ValidSampleFiles() =>
        Directory.GetDirectories(RepoPaths.Samples).Where(d => Path.GetFileName(d) != "invalid").Order(StringComparer.Ordinal)
            .SelectMany(folder => Files(Path.GetFileName(folder)))
            .Select(file => Path.GetRelativePath(RepoPaths.Samples, file));

    public static TheoryData<string> ValidSamples() => new(ValidSampleFiles());

    public static TheoryData<string> InvalidSamples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Files("invalid"))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Valid_sample_validates(string relativePath)
    {
        var result = Read(Path.Combine(RepoPaths.Samples, relativePath));

        Assert.True(result.IsValid, $"{relativePath}: {string.Join("; ", result.Issues.Select(i => $"{i.Code} {i.TextEn} at {i.Location}"))}");
        Assert.NotEqual(MedComMessageKind.Unknown, result.Summary.Kind);
        Assert.NotNull(result.Summary.MessageId);
    }

    [Theory]
    [MemberData(nameof(InvalidSamples))]
    public void Invalid_sample_fails_with_exactly_its_rule(string fileName)
    {
        var expected = Path.GetFileNameWithoutExtension(fileName);
        Assert.NotNull(MedComErrors.Find(expected));

        var result = Read(RepoPaths.Sample("invalid", fileName));

        Assert.False(result.IsValid, $"{fileName} validated");
        Assert.Equal([expected], result.Issues.Where(i => i.IsBlocking).Select(i => i.Code).Distinct());
    }

    [Fact]
    public void Every_rule_a_file_can_break_has_an_invalid_sample()
    {
        var covered = Files("invalid").Select(Path.GetFileNameWithoutExtension).ToHashSet();

        var missing = MedComErrors.All.Where(r => r.Severity != MedComIssueSeverity.Warning && !NotFileRules.Contains(r.Code) && !covered.Contains(r.Code)).Select(r => r.Code).ToList();

        Assert.True(missing.Count == 0, "No sample in medcom-samples/invalid/ for: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_valid_fhir_sample_round_trips_through_json_and_xml()
    {
        foreach (var file in ValidSampleFiles())
        {
            if (Read(Path.Combine(RepoPaths.Samples, file)).Parsed is not MedComFhirMessage message)
            {
                continue;
            }

            foreach (var text in new[] { FhirCodec.ToJson(message.Bundle), FhirCodec.ToXml(message.Bundle) })
            {
                var again = Read(System.Text.Encoding.UTF8.GetBytes(text));
                Assert.True(again.IsValid, file);
                Assert.Equal(InboundReader.Summarise(message, again.Summary.Syntax), again.Summary with { EnvelopeId = null });
            }
        }
    }
}
