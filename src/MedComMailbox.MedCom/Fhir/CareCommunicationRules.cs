using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Identifiers;
using MedComMailbox.MedCom.Terminology;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>Receiver points 5 and 6 for a CareCommunication: definition and profiles, the patient, and the CareCommunication v5 invariants.</summary>
internal static partial class CareCommunicationRules
{
    private const string CareCommunicationProfileBase = "http://medcomfhir.dk/ig/carecommunication/StructureDefinition/";

    internal static void CheckCareCommunication(MedComFhirMessage message, MessageHeader header, BundleIndex index, List<MedComIssue> issues)
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

    [GeneratedRegex(@"^http://medcomfhir\.dk/ig/messagedefinitions/MessageDefinition/MedComCareCommunicationMessageDefinition\|5\.[0-9]{1,2}$")]
    private static partial Regex DefinitionPattern();
}
