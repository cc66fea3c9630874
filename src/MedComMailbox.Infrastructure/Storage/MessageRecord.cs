namespace MedComMailbox.Infrastructure.Storage;

/// <summary>One row of <c>messages</c>: a MedCom message received or sent, with its raw bytes. Times are Unix ms UTC.</summary>
public sealed class MessageRecord
{
    public string Id { get; set; } = "";
    public string Direction { get; set; } = MessageDirection.In;
    public string Status { get; set; } = "";
    public string Channel { get; set; } = "";
    public string? SourceName { get; set; }
    public long ReceivedAt { get; set; }
    public string Kind { get; set; } = "";
    public string Syntax { get; set; } = "";
    public string? ContentType { get; set; }
    public string? DocumentName { get; set; }
    public string? MailboxGln { get; set; }
    public string? SenderGln { get; set; }
    public string? SenderSor { get; set; }
    public string? ReceiverGln { get; set; }
    public string? ReceiverSor { get; set; }
    public string? MessageId { get; set; }
    public string? BundleId { get; set; }
    public string? EnvelopeId { get; set; }
    public string? DedupeKey { get; set; }
    /// <summary>Personal data: never log.</summary>
    public string? PatientCpr { get; set; }
    public string? Category { get; set; }
    public string? Topic { get; set; }
    public string? Priority { get; set; }
    public string? Activity { get; set; }
    public string? CommunicationId { get; set; }
    public string? PredecessorRef { get; set; }
    public string? ParentId { get; set; }
    public string? ThreadId { get; set; }
    public string? AcknowledgedMessageId { get; set; }

    /// <summary>An acknowledgement we received: the code it carries (ok, transient-error, fatal-error; OIOXML positive/negative).</summary>
    public string? AcknowledgementCode { get; set; }
    public string? AckCode { get; set; }
    public string? AckMessageId { get; set; }
    public long? AckReceivedAt { get; set; }
    public int SendAttempts { get; set; }
    public long? LastSentAt { get; set; }
    public string? ErrorCodes { get; set; }
    public int DuplicateCount { get; set; }
    public long? RoutedAt { get; set; }
    public long SizeBytes { get; set; }
    public string RawSha256 { get; set; } = "";
    public byte[] Raw { get; set; } = [];

    /// <summary>A row with what the message says about itself and its raw bytes; the caller adds status, channel and addressing.</summary>
    public static MessageRecord Create(Guid id, string direction, MedCom.InboundMessageSummary s, byte[] raw, long now) => new()
    {
        Id = id.ToString(),
        Direction = direction,
        ReceivedAt = now,
        Kind = s.Kind.ToString(),
        Syntax = s.Syntax.ToString(),
        SenderGln = s.SenderGln,
        SenderSor = s.SenderSor,
        ReceiverGln = s.ReceiverGln,
        ReceiverSor = s.ReceiverSor,
        MessageId = s.MessageId,
        BundleId = s.BundleId,
        EnvelopeId = s.EnvelopeId,
        PatientCpr = s.PatientCpr,
        Category = s.Category,
        Topic = s.Topic,
        Priority = s.Priority,
        Activity = s.Activity,
        CommunicationId = s.CommunicationId,
        PredecessorRef = MessageStore.NormalisePredecessor(s.PredecessorReference),
        AcknowledgedMessageId = s.AcknowledgedMessageId,
        AcknowledgementCode = s.AcknowledgedMessageId is null ? null : s.AcknowledgementCode,
        SizeBytes = raw.LongLength,
        RawSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(raw)),
        Raw = raw,
    };
}

public static class MessageDirection
{
    public const string In = "in";
    public const string Out = "out";
}

public static class MessageStatus
{
    // Received
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";

    // Sent: waiting for the acknowledgement, answered ok, answered fatal-error, or no answer after the last resend.
    public const string Sent = "sent";
    public const string Acknowledged = "acknowledged";
    public const string Failed = "failed";
    public const string Flagged = "flagged";
}

public static class MessageChannel
{
    public const string Http = "http";
    public const string Folder = "folder";
    public const string App = "app";
}

/// <summary>One row of <c>outbox</c>: something to publish on the bus or deliver to the VANS provider after commit.</summary>
public sealed class OutboxRecord
{
    public long Id { get; set; }
    public string MessageId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Type { get; set; } = "";
    public byte[] Payload { get; set; } = [];
    public string? FileName { get; set; }
    public long CreatedAt { get; set; }
    public long DueAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public long? DispatchedAt { get; set; }
}

public static class OutboxKind
{
    public const string Publish = "publish";
    public const string Deliver = "deliver";
}
