using Hl7.Fhir.Model;
using MedComMailbox.MedCom.Identifiers;

namespace MedComMailbox.MedCom.Fhir;

/// <summary>Receiver point 4: sender and receiver (GLN, SOR id, endpoint, our own GLNs), no cc destination.</summary>
internal static class AddressingRules
{
    internal static void CheckAddressing(MedComFhirMessage message, MessageHeader header, MedComValidationContext context, List<MedComIssue> issues)
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
}
