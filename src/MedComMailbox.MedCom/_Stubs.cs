namespace MedComMailbox.MedCom.Envelopes
{
    public sealed class VansEnvelopeCodec : IEnvelopeCodec
    {
        public bool CanUnwrap(ReadOnlySpan<byte> body) => false;
        public EnvelopeReadResult Unwrap(ReadOnlyMemory<byte> body) => throw new NotSupportedException();
        public byte[] Wrap(OutboundDocument document, string senderGln, string receiverGln, string envelopeId, DateTimeOffset sentAt) => throw new NotSupportedException();
    }
}

namespace MedComMailbox.MedCom
{
    public sealed partial class InboundReader
    {
        private static InboundReadResult ReadOioXml(ReadOnlyMemory<byte> body) => new(new InboundMessageSummary(), [MedComErrors.FormatUnknown.At()], body, null);
    }
}
