using MedComMailbox.MedCom.OioXml;

namespace MedComMailbox.MedCom;

public sealed partial class InboundReader
{
    // An OIOXML letter addressed to a location number we do not hold is refused like a FHIR one.
    private InboundReadResult ReadOioXml(ReadOnlyMemory<byte> body)
    {
        var result = OioXmlReader.Read(body).ToInboundReadResult(body);
        if (_context.OurGlns is { } ours && result.Summary is { Kind: MedComMessageKind.OioXmlLetter, ReceiverGln: { } receiver } && !ours.Contains(receiver))
        {
            return result with { Issues = [.. result.Issues, MedComErrors.ReceiverUnknown.At("ClinicalEmail/Receiver/EANIdentifier", receiver)] };
        }

        return result;
    }
}
