using MedComMailbox.MedCom.Fhir;
using MedComMailbox.Tests;

namespace MedComMailbox.MedCom.Tests.Fhir;

/// <summary>Every FHIR message MedCom publishes (IG examples, test-protocol messages, conversion flows) parses and passes our validator.</summary>
public sealed class OfficialExampleTests
{
    private static readonly string[] Folders =
    [
        "ig-carecommunication-5.0.2", "ig-acknowledgement-2.0.3", "ig-messaging-4.0.2",
        "carecommunication-send-tests", "acknowledgement-receive-tests", "oioxml-conversion",
    ];

    public static TheoryData<string> FhirExamples()
    {
        var data = new TheoryData<string>();
        if (RepoPaths.SharedMedCom is not { } shared)
        {
            data.Add("(shared folder absent)");
            return data;
        }

        foreach (var folder in Folders)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(shared, "official-examples", folder)).Order(StringComparer.Ordinal))
            {
                // The messaging IG's empty-message is a type this receiver does not take: tested apart.
                if (ContentSniffer.RootElementName(File.ReadAllBytes(file)) is not "Emessage" && !IsEmptyMessage(file))
                {
                    data.Add(Path.GetRelativePath(Path.Combine(shared, "official-examples"), file));
                }
            }
        }

        return data;
    }

    private static bool IsEmptyMessage(string file) => File.ReadAllText(file).Contains("empty-message", StringComparison.Ordinal);

    [SkippableFact]
    public void Empty_message_example_is_refused_as_an_unsupported_type()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.SharedMedCom!, "official-examples", "ig-messaging-4.0.2", "Bundle-eb26be85-fdb7-454d-a980-95cba6d1745b.json"));

        var result = new InboundReader().Read(body, null);

        Assert.False(result.IsValid);
        Assert.Equal([MedComErrors.EventUnsupported.Code], result.Issues.Where(i => i.IsBlocking).Select(i => i.Code));
    }

    [SkippableTheory]
    [MemberData(nameof(FhirExamples))]
    public void Official_example_parses_and_validates(string relativePath)
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.SharedMedCom!, "official-examples", relativePath));

        var result = new InboundReader().Read(body, contentType: null);

        Assert.True(result.IsValid, $"{relativePath}: {string.Join("; ", result.Issues.Select(i => $"{i.Code} {i.TextEn} at {i.Location}"))}");
        Assert.IsType<MedComFhirMessage>(result.Parsed);
        Assert.NotNull(result.Summary.MessageId);
        Assert.NotNull(result.Summary.SenderGln);
        Assert.NotNull(result.Summary.ReceiverGln);
        Assert.Contains(result.Summary.Kind, new[] { MedComMessageKind.CareCommunication, MedComMessageKind.Acknowledgement });
    }

    [SkippableFact]
    public void Reply_example_is_read_into_the_typed_model()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.SharedMedCom!, "official-examples", "ig-carecommunication-5.0.2", "Bundle-3dcb5618-3055-406a-9034-1b8fc8de0fea.json"));

        var message = (MedComFhirMessage)new InboundReader().Read(body, null).Parsed!;

        Assert.Equal("4dff3695-218d-4878-838a-5f23cbba6f82", message.HeaderId);
        Assert.Equal("5790000209354", message.Sender!.Gln);
        Assert.Equal("265161000016000", message.Sender.SorId);
        Assert.Equal("5790001348120", message.Receiver!.Gln);
        Assert.Equal("953741000016009", message.Receiver.SorId);
        Assert.Equal("2509479989", message.Patient!.Identifier);
        Assert.False(message.Patient.IsReplacementCpr);
        var content = message.CareCommunication!;
        Assert.Equal("urn:uuid:b2eb3d0e-5de5-4de9-b2a3-0ff321ad1c3a", content.CommunicationId);
        Assert.Equal("examination-results", content.Category);
        Assert.Equal(4, content.Segments.Count);
        Assert.Equal("urn:uuid:24d01288-ad36-4af2-96a8-fd1432dadee1", content.Segments[0].Identifier);
        Assert.Equal("Burns", content.Segments[0].Author!.FamilyName);
        Assert.Equal("sygeplejerske", content.Segments[0].Author!.RoleCode);
        Assert.Equal("38683868", content.Segments[0].Phone);
        Assert.True(content.Segments[2].IsAttachment);
        Assert.Equal("application/pdf", content.Segments[2].Attachment!.ContentType);
        Assert.Equal(3, message.Provenances.Count);
        Assert.Equal("reply-message", message.Activity);
        Assert.Equal("MessageHeader/d5bd2111-2576-48d3-84d4-8be0297a038d", message.Predecessor);
    }

    [SkippableFact]
    public void An_envelope_whose_leading_comment_mentions_emessage_is_still_unwrapped()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.SharedMedCom!, "vans", "vansenvelope-1.0.4-example-EXCERPT.xml"));

        var result = new InboundReader().Read(body, "application/xml");

        Assert.Equal("068dadff-12bb-406d-8c86-083974dc0180", result.Summary.EnvelopeId);
    }

    [SkippableFact]
    public void Replacement_cpr_is_recognised()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.SharedMedCom!, "official-examples", "ig-carecommunication-5.0.2", "Bundle-0d5b3c18-fab6-4d93-9d88-c9c8abf1f18c.json"));

        var message = (MedComFhirMessage)new InboundReader().Read(body, null).Parsed!;

        Assert.True(message.Patient!.IsReplacementCpr);
        Assert.Equal("0703921VJ4", message.Patient.Identifier);
    }

    [SkippableFact]
    public void Leading_whitespace_in_a_payload_is_a_warning_not_a_rejection()
    {
        Skip.If(RepoPaths.SharedMedCom is null, RepoPaths.SharedMissing);
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.SharedMedCom!, "official-examples", "oioxml-conversion", "Flow3-CareCommunication_Ex_to_OIOXML.xml"));

        var result = new InboundReader().Read(body, null);

        Assert.True(result.IsValid, string.Join("; ", result.Issues.Select(i => i.Code)));
        Assert.Contains(result.Issues, i => i.Code == MedComErrors.WhitespaceTrimmed.Code && i.Severity == MedComIssueSeverity.Warning);
    }
}
