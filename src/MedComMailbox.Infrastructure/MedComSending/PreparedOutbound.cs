using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Vans;
using MedComMailbox.MedCom;

namespace MedComMailbox.Infrastructure.MedComSending;

/// <summary>
/// A document of ours, ready to be stored and queued: its row (body copied and hashed) and its VANS envelope, built by
/// <see cref="OutboundMessages.Prepare"/> before the write transaction so that the transaction only runs SQL.
/// Used once: storing it places the row in its thread.
/// </summary>
public sealed record PreparedOutbound(MessageRecord Record, OutgoingEnvelope Envelope, MedComMessageKind Kind);
