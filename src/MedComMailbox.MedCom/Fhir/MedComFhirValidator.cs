using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Terminology;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>
/// The receiver's checks of a MedCom FHIR message, written out explicitly because the Firely profile
/// validator is not available to us: bundle structure (receiver point 2), addressing (4), type and
/// definition (5), the CareCommunication v5 invariants (6), threading provenance (7) and the
/// acknowledgement's own rules. Each failure is a <see cref="MedComRule"/> with a stable code.
/// </summary>
public static class MedComFhirValidator
{
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

        BundleRules.CheckBundle(bundle, index, issues);
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

        AddressingRules.CheckAddressing(message, header, context, issues);
        ProvenanceRules.CheckProvenance(message, issues);
        if (message.Kind == MedComMessageKind.CareCommunication)
        {
            CareCommunicationRules.CheckCareCommunication(message, header, index, issues);
        }
        else
        {
            AcknowledgementRules.CheckAcknowledgement(message, issues);
        }

        return issues;
    }
}
