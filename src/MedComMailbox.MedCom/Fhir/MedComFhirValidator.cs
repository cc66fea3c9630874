using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Identifiers;
using MedComMailbox.MedCom.Terminology;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>What the validator needs to know about the receiving side. Null receivers: addressing is checked for form only.</summary>
public sealed record MedComValidationContext(IReadOnlyCollection<string>? OurGlns = null)
{
    public static MedComValidationContext None { get; } = new();
}

/// <summary>
/// The receiver's checks of a MedCom FHIR message, written out explicitly because the Firely profile
/// validator is not available to us: bundle structure (receiver point 2), addressing (4), type and
/// definition (5), the CareCommunication v5 invariants (6), threading provenance (7) and the
/// acknowledgement's own rules. Each failure is a <see cref="MedComRule"/> with a stable code.
/// </summary>
public static partial class MedComFhirValidator
{
    private const string CareCommunicationProfileBase = "http://medcomfhir.dk/ig/carecommunication/StructureDefinition/";
    private static readonly HashSet<string> SupportedEvents = [MedComFhirMessage.CareCommunicationEvent, MedComFhirMessage.AcknowledgementEvent];

    public static IReadOnlyList<MedComIssue> Validate(Resource resource, MedComValidationContext? context = null)
    {
        if (resource is not Bundle bundle)
        {
            return [MedComErrors.NotABundle.At("Bundle", resource.TypeName)];
        }

        return Validate(MedComFhirReader.Read(bundle), context);
    }

    public static IReadOnlyList<MedComIssue> Validate(MedComFhirMessage message, MedComValidationContext? context = null)
    {
        context ??= MedComValidationContext.None;
        var issues = new List<MedComIssue>();
        var bundle = message.Bundle;
        var index = new BundleIndex(bundle);

        CheckBundle(bundle, index, issues);
        var header = bundle.Entry.FirstOrDefault()?.Resource as MessageHeader ?? bundle.Entry.Select(e => e.Resource).OfType<MessageHeader>().FirstOrDefault();
        if (header is null)
        {
            return issues;
        }

        var eventCoding = header.Event as Coding;
        if (eventCoding?.System != MedComTerminology.EventSystem || !SupportedEvents.Contains(eventCoding.Code ?? ""))
        {
            issues.Add(MedComErrors.EventUnsupported.At("MessageHeader.eventCoding", eventCoding?.Code));
            return issues;
        }

        CheckAddressing(message, header, context, issues);
        CheckProvenance(message, issues);
        if (message.Kind == MedComMessageKind.CareCommunication)
        {
            CheckCareCommunication(message, header, index, issues);
        }
        else
        {
            CheckAcknowledgement(message, issues);
        }

        return issues;
    }

    private static void CheckBundle(Bundle bundle, BundleIndex index, List<MedComIssue> issues)
    {
        if (bundle.Type != Bundle.BundleType.Message)
        {
            issues.Add(MedComErrors.BundleTypeNotMessage.At("Bundle.type"));
        }

        if (bundle.Entry.FirstOrDefault()?.Resource is not MessageHeader)
        {
            issues.Add(MedComErrors.HeaderNotFirst.At("Bundle.entry[0]"));
        }

        if (!bundle.Entry.Any(e => e.Resource is Provenance))
        {
            issues.Add(MedComErrors.ProvenanceMissing.At("Bundle.entry"));
        }

        // MedCom's test protocol sends non-UUID ids ("msg.01-a"), so only FHIR's own id rule applies; the MessageHeader
        // id is the duplicate key and must be present.
        if (!MedComIdentifiers.IsFhirId(bundle.Id))
        {
            issues.Add(MedComErrors.IdInvalid.At("Bundle.id"));
        }

        if (bundle.Entry.FirstOrDefault()?.Resource is MessageHeader h && !MedComIdentifiers.IsFhirId(h.Id))
        {
            issues.Add(MedComErrors.IdInvalid.At("MessageHeader.id"));
        }

        foreach (var entry in bundle.Entry)
        {
            if (entry.Resource is null)
            {
                continue;
            }

            // A Provenance's target and revision point at earlier messages, which are not in this bundle by design.
            var references = entry.Resource is Provenance p ? p.Agent.Select(a => a.Who).OfType<ResourceReference>() : References(entry.Resource);
            foreach (var reference in references)
            {
                if (reference.Reference is { Length: > 0 } target && !target.StartsWith('#') && index.Resolve(target) is null)
                {
                    issues.Add(MedComErrors.ReferenceUnresolved.At($"{entry.Resource.TypeName}/{entry.Resource.Id}", target));
                }
            }
        }
    }

    private static void CheckAddressing(MedComFhirMessage message, MessageHeader header, MedComValidationContext context, List<MedComIssue> issues)
    {
        var receiver = message.Receiver;
        if (receiver?.Gln is null || receiver.SorId is null)
        {
            issues.Add(MedComErrors.ReceiverMissing.At("MessageHeader.destination.receiver"));
        }
        else if (!MedComIdentifiers.IsValidGln(receiver.Gln))
        {
            issues.Add(MedComErrors.GlnInvalid.At("MessageHeader.destination.receiver"));
        }
        else
        {
            if (context.OurGlns is { } ours && !ours.Contains(receiver.Gln))
            {
                issues.Add(MedComErrors.ReceiverUnknown.At("MessageHeader.destination.receiver", receiver.Gln));
            }

            // The receiver Organization's GLN decides whose message it is. MedCom's own test messages (the parallel-reply
            // step) name another SOR id in the endpoint than in the Organization: a warning shown on the message.
            if (message.ReceiverEndpoint != MedComIdentifiers.SorEndpoint(receiver.SorId))
            {
                issues.Add(MedComErrors.ReceiverEndpointDiffers.At("MessageHeader.destination.endpoint", message.ReceiverEndpoint));
            }
        }

        var sender = message.Sender;
        if (sender?.Gln is null || sender.SorId is null)
        {
            issues.Add(MedComErrors.SenderMissing.At("MessageHeader.sender"));
        }
        else if (!MedComIdentifiers.IsValidGln(sender.Gln))
        {
            issues.Add(MedComErrors.GlnInvalid.At("MessageHeader.sender"));
        }

        if (header.Destination.Any(d => MedComFhirReader.DestinationUse(d) == "cc"))
        {
            issues.Add(MedComErrors.CcNotAllowed.At("MessageHeader.destination"));
        }
    }

    private static void CheckProvenance(MedComFhirMessage message, List<MedComIssue> issues)
    {
        foreach (var provenance in message.Provenances)
        {
            if (!MedComTerminology.Activities.Contains(provenance.Activity))
            {
                issues.Add(MedComErrors.ProvenanceActivityUnknown.At($"Provenance/{provenance.Id}.activity", provenance.Activity));
            }
        }

        var latest = message.LatestProvenance;
        if (latest is null)
        {
            if (message.Provenances.Count > 0)
            {
                issues.Add(MedComErrors.ProvenanceTargetMissing.At("Provenance.target"));
            }

            return;
        }

        if (latest.Activity is "reply-message" or "forward-message" && latest.Revision is null)
        {
            issues.Add(MedComErrors.ProvenanceRevisionMissing.At($"Provenance/{latest.Id}.entity"));
        }
    }

    private static void CheckCareCommunication(MedComFhirMessage message, MessageHeader header, BundleIndex index, List<MedComIssue> issues)
    {
        var bundle = message.Bundle;
        if (header.Definition is null || !DefinitionPattern().IsMatch(header.Definition))
        {
            issues.Add(MedComErrors.DefinitionMismatch.At("MessageHeader.definition"));
        }

        CheckProfiles(bundle, issues);

        if (message.LatestProvenance is { Activity: { } activity } && MedComTerminology.Activities.Contains(activity) && !MedComTerminology.CareCommunicationActivities.Contains(activity))
        {
            issues.Add(MedComErrors.ProvenanceActivityUnknown.At("Provenance.activity", activity));
        }

        var patients = bundle.Entry.Count(e => e.Resource is Patient);
        if (patients != 1)
        {
            issues.Add(MedComErrors.PatientCount.At("Bundle.entry", $"{patients}"));
        }
        else
        {
            CheckPatient(message.Patient, issues);
        }

        var communications = bundle.Entry.Select(e => e.Resource).OfType<Communication>().ToList();
        var focus = header.Focus.Select(f => index.Resolve<Communication>(f)).FirstOrDefault(c => c is not null);
        if (communications.Count != 1 || focus is null)
        {
            issues.Add(MedComErrors.CommunicationCount.At("MessageHeader.focus", $"{communications.Count}"));
            return;
        }

        CheckCommunication(focus, message, index, issues);
    }

    private static void CheckProfiles(Bundle bundle, List<MedComIssue> issues)
    {
        static bool Has(Resource r, string profile) => r.Meta?.Profile.Any(p => p is not null && p.StartsWith(CareCommunicationProfileBase + profile, StringComparison.Ordinal)) == true;

        if (bundle.Entry.FirstOrDefault()?.Resource is MessageHeader h && !Has(h, "medcom-careCommunication-messageHeader"))
        {
            issues.Add(MedComErrors.ProfileMissing.At("MessageHeader.meta.profile"));
        }

        if (bundle.Entry.Select(e => e.Resource).OfType<Provenance>().Any(p => !Has(p, "medcom-careCommunication-provenance")))
        {
            issues.Add(MedComErrors.ProfileMissing.At("Provenance.meta.profile"));
        }
    }

    private static void CheckPatient(MedComPatient? patient, List<MedComIssue> issues)
    {
        var valid = patient switch
        {
            { IdentifierSystem: MedComIdentifiers.CprSystem } => MedComIdentifiers.IsValidCpr(patient.Identifier),
            { IsReplacementCpr: true } => MedComIdentifiers.IsValidReplacementCpr(patient.Identifier),
            _ => false,
        };
        if (!valid)
        {
            // The value is personal data: the finding names the system, never the number.
            issues.Add(MedComErrors.PatientIdentifierInvalid.At("Patient.identifier", patient?.IdentifierSystem ?? "no identifier"));
        }
    }

    private static void CheckCommunication(Communication communication, MedComFhirMessage message, BundleIndex index, List<MedComIssue> issues)
    {
        var codings = communication.Category.SelectMany(c => c.Coding).ToList();
        if (communication.Category.Count != 1 || codings.Count != 1)
        {
            issues.Add(MedComErrors.CategoryCount.At("Communication.category", $"{codings.Count}"));
        }

        var category = codings.FirstOrDefault();
        if (category is not null && (category.System != MedComTerminology.CategorySystem || !MedComTerminology.Categories.Contains(category.Code)))
        {
            issues.Add(MedComErrors.CategoryUnknown.At("Communication.category", category.Code));
        }

        if (category?.Code == "other" && string.IsNullOrWhiteSpace(communication.Topic?.Text))
        {
            issues.Add(MedComErrors.TopicRequired.At("Communication.topic"));
        }

        if (communication.Priority is { } priority)
        {
            var literal = Hl7.Fhir.Utility.EnumUtility.GetLiteral(priority);
            if (category?.Code != "regarding-referral")
            {
                issues.Add(MedComErrors.PriorityNotAllowed.At("Communication.priority"));
            }
            else if (!MedComTerminology.Priorities.Contains(literal))
            {
                issues.Add(MedComErrors.PriorityUnknown.At("Communication.priority", literal));
            }
        }

        if (communication.Identifier.Count != 1 || !MedComIdentifiers.IsUrnUuid(communication.Identifier[0].Value))
        {
            issues.Add(MedComErrors.CommunicationIdentifierInvalid.At("Communication.identifier"));
        }

        CheckSegments(message.CareCommunication!, issues);
        CheckSegmentsAgainstProvenance(message, issues);
        CheckSpecificParties(communication, message, index, issues);
    }

    private static void CheckSegments(CareCommunicationContent content, List<MedComIssue> issues)
    {
        if (!content.Segments.Any(s => s.Text is not null))
        {
            issues.Add(MedComErrors.PayloadMissing.At("Communication.payload"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < content.Segments.Count; i++)
        {
            var segment = content.Segments[i];
            var at = $"Communication.payload[{i}]";
            if (!MedComIdentifiers.IsUrnUuid(segment.Identifier) || !seen.Add(segment.Identifier!))
            {
                issues.Add(MedComErrors.PayloadIdentifierInvalid.At(at));
            }

            if (segment.Date is null)
            {
                issues.Add(MedComErrors.PayloadDateMissing.At(at));
            }

            if (segment.Attachment is { } attachment)
            {
                if (string.IsNullOrWhiteSpace(attachment.Title) || (attachment.ContentType is not null && !MedComTerminology.AttachmentMimeTypes.Contains(attachment.ContentType)))
                {
                    issues.Add(MedComErrors.AttachmentInvalid.At(at, attachment.ContentType));
                }

                continue;
            }

            if (segment.Author is not { } author || (author.RoleCode is null == (author.RoleText is null)) || author.FamilyName is null && author.GivenName is null)
            {
                issues.Add(MedComErrors.PayloadAuthorMissing.At(at));
            }

            if (string.IsNullOrWhiteSpace(segment.Phone))
            {
                issues.Add(MedComErrors.PayloadContactMissing.At(at));
            }
        }
    }

    // Every segment was introduced by some message in the chain: its identifier is a source entity of a
    // Provenance, and what the latest Provenance claims to add must be in the payload. MedCom's own published
    // examples break this (docs/adr/0005), so a disagreement is a warning that the inbox shows, not a rejection.
    private static void CheckSegmentsAgainstProvenance(MedComFhirMessage message, List<MedComIssue> issues)
    {
        var segmentIds = message.CareCommunication!.Segments.Select(s => s.Identifier).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var claimed = message.Provenances.SelectMany(p => p.SourceIdentifiers).ToHashSet(StringComparer.Ordinal);
        var unclaimed = segmentIds.Where(id => !claimed.Contains(id)).ToList();
        var missing = message.LatestProvenance?.SourceIdentifiers.Where(id => !segmentIds.Contains(id)).ToList() ?? [];
        if (unclaimed.Count > 0 || missing.Count > 0)
        {
            issues.Add(MedComErrors.PayloadProvenanceMismatch.At("Provenance.entity", string.Join(", ", unclaimed.Concat(missing))));
        }
    }

    // Invariants medcom-careCommunication-11 and -12: a specific sender/recipient must belong to the
    // organisation the MessageHeader names.
    private static void CheckSpecificParties(Communication communication, MedComFhirMessage message, BundleIndex index, List<MedComIssue> issues)
    {
        foreach (var reference in communication.Extension.Select(e => e.Value).OfType<ResourceReference>())
        {
            var owner = OwningOrganization(index.Resolve(reference.Reference), index);
            if (owner is not null && owner != message.Sender?.ResourceId)
            {
                issues.Add(MedComErrors.SenderInconsistent.At("Communication.extension"));
            }
        }

        foreach (var recipient in communication.Recipient)
        {
            var owner = OwningOrganization(index.Resolve(recipient.Reference), index);
            if (owner is not null && owner != message.Receiver?.ResourceId)
            {
                issues.Add(MedComErrors.RecipientInconsistent.At("Communication.recipient"));
            }
        }
    }

    private static string? OwningOrganization(Resource? party, BundleIndex index) => party switch
    {
        PractitionerRole role => index.Resolve<Organization>(role.Organization)?.Id ?? "unresolved",
        CareTeam team => index.Resolve<Organization>(team.ManagingOrganization.FirstOrDefault())?.Id ?? "unresolved",
        _ => null,
    };

    private static void CheckAcknowledgement(MedComFhirMessage message, List<MedComIssue> issues)
    {
        var ack = message.Acknowledgement;
        if (ack?.ResponseIdentifier is null || ack.Code is null)
        {
            issues.Add(MedComErrors.AckResponseMissing.At("MessageHeader.response"));
            return;
        }

        // response.code outside ok/transient-error/fatal-error (say a legacy AA) is already refused by the strict parse.
        if (ack.Code != "ok" && ack.Issues.Count == 0)
        {
            issues.Add(MedComErrors.AckOutcomeMissing.At("MessageHeader.response.details"));
        }
    }

    private static IEnumerable<ResourceReference> References(Base node)
    {
        foreach (var (_, value) in node.EnumerateElements())
        {
            switch (value)
            {
                case ResourceReference reference:
                    yield return reference;
                    foreach (var inner in References(reference))
                    {
                        yield return inner;
                    }

                    break;
                case Resource:
                    break; // contained resources keep their own reference space
                case Base child:
                    foreach (var inner in References(child))
                    {
                        yield return inner;
                    }

                    break;
                case IEnumerable<Base> children:
                    foreach (var child in children)
                    {
                        if (child is ResourceReference r)
                        {
                            yield return r;
                        }

                        if (child is not Resource)
                        {
                            foreach (var inner in References(child))
                            {
                                yield return inner;
                            }
                        }
                    }

                    break;
            }
        }
    }

    [GeneratedRegex(@"^http://medcomfhir\.dk/ig/messagedefinitions/MessageDefinition/MedComCareCommunicationMessageDefinition\|5\.[0-9]{1,2}$")]
    private static partial Regex DefinitionPattern();
}
