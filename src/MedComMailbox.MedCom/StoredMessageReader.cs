namespace MedComMailbox.MedCom;

/// <summary>
/// Reads back a message the mailbox already holds: one that passed intake's checks (MedCom's profiles included) or
/// one our own builders wrote. It gives the summary and the model again with our receiver rules only, without
/// MedCom's profile validation: messages are read back on every triage, page view and reply, some of them inside a
/// write transaction, where the validator's tens of milliseconds of CPU per message (and its one-time build) would
/// hold SQLite's write lock while every intake waits. Intake and <c>/api/validate</c> use <see cref="IInboundMessageReader"/>.
/// </summary>
public sealed class StoredMessageReader(IReadOnlyCollection<MailboxIdentity>? mailboxes = null)
{
    private readonly InboundReader _reader = new(mailboxes, validateProfiles: false);

    public InboundReadResult Read(ReadOnlyMemory<byte> body, string? contentType) => _reader.Read(body, contentType);
}
