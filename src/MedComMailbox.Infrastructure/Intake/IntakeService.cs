using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using MedComMailbox.Contracts;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.Infrastructure.Vans;
using MedComMailbox.MedCom;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Infrastructure.Intake;

/// <summary>
/// The edge where MedCom messages enter. One transaction stores the raw bytes, the parsed metadata, the thread, the
/// acknowledgement to send and the bus event; only after the commit does the caller answer the sender or move the
/// file, and only after the commit does the dispatcher send or publish anything. A crash at any point therefore
/// leaves either nothing (the sender retries) or everything (the dispatcher resumes).
/// </summary>
public sealed partial class IntakeService(
    IInboundMessageReader reader,
    IAcknowledgementFactory acknowledgements,
    IEnvelopeCodec envelopes,
    MessageStore store,
    OutboxStore outbox,
    IVansTransport transport,
    OutboxSignal signal,
    IOptions<MailboxOptions> mailboxOptions,
    TimeProvider time,
    MailboxTelemetry telemetry,
    Quarantine quarantine,
    ILogger<IntakeService> logger)
{
    private const int MaxTransientMemory = 10_000;
    private readonly ConcurrentDictionary<string, byte> _transientSent = new(StringComparer.Ordinal);
    private IntakeTransaction? _transaction;

    /// <summary>The storing transaction, with the answer building it queues (both stateless).</summary>
    private IntakeTransaction Transaction => _transaction ??= new(store, outbox, new IntakeAnswers(acknowledgements, envelopes, outbox), quarantine);

    public async Task<IntakeResult> ReceiveAsync(ReadOnlyMemory<byte> body, string? contentType, string channel, string? sourceName, CancellationToken cancellationToken)
    {
        var read = reader.Read(body, contentType);
        if (read.Parsed is null)
        {
            // Not even a message: no one to answer, nothing to route. Its head goes to the quarantine, not the message store.
            try
            {
                var kept = await quarantine.KeepAsync(body, cancellationToken);
                LogQuarantined(logger, kept, body.Length, channel);
                telemetry.MessageStored(null, read.Summary.Kind, accepted: false);
                return new IntakeResult(IntakeOutcome.Rejected, null, read.Summary.Kind, null, null, null, read.Issues);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogStorageFailed(logger, ex.GetType().FullName, channel);
                return new IntakeResult(IntakeOutcome.Unavailable, null, read.Summary.Kind, null, null, null, read.Issues);
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = (await StoreAsync(read, body, contentType, channel, sourceName, replacing: null, cancellationToken))!;
                signal.Notify();
                LogStored(logger, result.MessageId, result.Kind, result.Outcome, result.AcknowledgementCode, channel);
                return result;
            }
            catch (Exception ex) when (attempt < 3 && store.Database.Dialect.IsUniqueViolation(ex))
            {
                // The same message arrived twice at the same moment; the next attempt sees the first as a duplicate.
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Only the exception type is logged: a driver's message can quote the parameters, i.e. patient data.
                LogStorageFailed(logger, ex.GetType().FullName, channel);
                await SendTransientErrorAsync(read, cancellationToken);
                return new IntakeResult(IntakeOutcome.Unavailable, null, read.Summary.Kind, read.Summary.MessageId, null, null, read.Issues);
            }
        }
    }

    /// <summary>
    /// Runs the intake again on the stored bytes of a rejected message, for a rejection that was ours (a receiver not yet
    /// configured, a rule since corrected; the process restarted with the fixed configuration). Still invalid: nothing
    /// changes and no second negative acknowledgement goes out. Valid now: in one transaction the rejected row is replaced
    /// by the accepted message under the same id and received time, with the ok acknowledgement and the bus event any
    /// accepted message gets. Null when the message is not a rejected inbound one (or another operator was first).
    /// </summary>
    public async Task<IntakeResult?> ReprocessAsync(Guid rejectedId, CancellationToken cancellationToken)
    {
        var rejected = await store.GetAsync(rejectedId, cancellationToken);
        if (rejected is not { Direction: MessageDirection.In, Status: MessageStatus.Rejected })
        {
            return null;
        }

        var read = reader.Read(rejected.Raw, rejected.ContentType);
        var result = read.IsValid
            ? await StoreAsync(read, rejected.Raw, rejected.ContentType, rejected.Channel, rejected.SourceName, rejected, cancellationToken)
            : new IntakeResult(IntakeOutcome.Rejected, rejectedId, read.Summary.Kind, read.Summary.MessageId, null, rejected.AckCode, read.Issues);
        if (result is not null)
        {
            signal.Notify();
            LogReprocessed(logger, rejectedId, result.Kind, result.Outcome);
        }

        return result;
    }

    private async Task<IntakeResult?> StoreAsync(InboundReadResult read, ReadOnlyMemory<byte> body, string? contentType, string channel, string? sourceName, MessageRecord? replacing, CancellationToken cancellationToken)
    {
        var s = read.Summary;
        var now = time.GetUtcNow();
        var us = Answerer(s);
        var dedupeKey = DedupeKey(s);

        // Everything that costs CPU is done before the write: the answer to the message as read with its VANS envelope,
        // the row with its copy of the body and its SHA-256. SQLite admits one writer at a time, and nobody waits for
        // this out here. Only a duplicate or a reused Bundle.id, both found inside, change the answer; those rebuild it there.
        var issues = read.Issues.ToList();
        var asRead = Transaction.Answers.Prepare(read, issues.Any(i => i.IsBlocking) ? AcknowledgementOutcome.FatalError : AcknowledgementOutcome.Ok, issues, us, s.SenderGln, now);
        var id = replacing is null ? Guid.NewGuid() : Guid.Parse(replacing.Id);
        var record = Record(id, read, body, contentType, channel, sourceName, replacing?.ReceivedAt ?? now.ToUnixTimeMilliseconds(), dedupeKey);
        Transaction.Classify(record, issues);

        using var activity = MailboxTelemetry.StartForMessage("medcom.intake", id, System.Diagnostics.ActivityKind.Consumer);
        // On SQLite the process's one writer runs this with other intakes in one commit; it returns after that commit.
        var stored = await store.Database.WriteAsync(
            (connection, transaction, _) => Transaction.StoreInTransactionAsync(connection, transaction, read, record, issues, asRead, us, now, replacing),
            cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var (result, mailboxGln) = stored.Value;
        if (result.Outcome == IntakeOutcome.Duplicate)
        {
            telemetry.MessageDuplicated(mailboxGln, s.Kind);
            return result;
        }

        _transientSent.TryRemove(s.MessageId ?? "", out _);
        telemetry.MessageStored(mailboxGln, s.Kind, result.Outcome == IntakeOutcome.Accepted);
        return result;
    }

    /// <summary>
    /// Storage failed: tell a FHIR sender it was our fault (transient-error) so it does not treat the silence as loss;
    /// the ok follows once the message is stored on a later try. Sent directly, as the outbox is what failed.
    /// </summary>
    private async Task SendTransientErrorAsync(InboundReadResult read, CancellationToken cancellationToken)
    {
        var s = read.Summary;
        if (s.Syntax is not (MedComSyntax.FhirJson or MedComSyntax.FhirXml) || s.MessageId is null || s.SenderGln is null)
        {
            return;
        }

        if (_transientSent.Count >= MaxTransientMemory)
        {
            _transientSent.Clear();
        }

        if (!_transientSent.TryAdd(s.MessageId, 0))
        {
            return;
        }

        try
        {
            var us = Answerer(s);
            var now = time.GetUtcNow();
            var issue = new MedComIssue("storage-unavailable", MedComIssueSeverity.Error, "Beskeden kunne ikke gemmes på grund af en teknisk fejl hos modtageren; den behandles senere", "The message could not be stored because of a technical fault at the receiver; it will be processed later");
            if (acknowledgements.CreateAcknowledgement(read, AcknowledgementOutcome.TransientError, [issue], us, now) is { } answer)
            {
                var envelope = OutgoingEnvelope.Wrap(envelopes, answer, us.Gln, answer.ReceiverGln ?? s.SenderGln, now);
                await transport.DeliverAsync(envelope.FileName, envelope.Bytes, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTransientNotSent(logger, ex.GetType().FullName);
        }
    }

    /// <summary>We answer as the mailbox the message was addressed to; a message for a stranger is answered by our first mailbox.</summary>
    private MailboxIdentity Answerer(InboundMessageSummary s)
    {
        var options = mailboxOptions.Value;
        return options.Find(s.ReceiverGln) ?? options.Identities[0];
    }

    /// <summary>FHIR: the MessageHeader id. OIOXML: sender, envelope and letter ids (a VANS resend keeps the OIOXML envelope id).</summary>
    internal static string? DedupeKey(InboundMessageSummary s) => s.Syntax switch
    {
        MedComSyntax.FhirJson or MedComSyntax.FhirXml when s.MessageId is not null => $"fhir|{s.MessageId}",
        MedComSyntax.OioXml when s.MessageId is not null && s.EnvelopeId is not null => $"oioxml|{s.SenderGln}|{s.EnvelopeId}|{s.MessageId}",
        _ => null,
    };

    /// <summary>The row as read: the copy of the body and its SHA-256 are made here, before the write.</summary>
    private MessageRecord Record(Guid id, InboundReadResult read, ReadOnlyMemory<byte> body, string? contentType, string channel, string? sourceName, long now, string? dedupeKey)
    {
        var s = read.Summary;
        var cap = quarantine.RejectedBodyMaxBytes;
        // A message already rejected as read keeps only its head (see Classify); the head is copied alone, not the whole
        // body first, so a 20 MB reject costs its head in memory too. Size and hash are of the whole body.
        var cut = !read.IsValid && body.Length > cap;
        var record = MessageRecord.Create(id, MessageDirection.In, s, (cut ? body[..cap] : body).ToArray(), now);
        if (cut)
        {
            record.SizeBytes = body.Length;
            record.RawSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body.Span));
        }

        record.Channel = channel;
        record.SourceName = sourceName;
        record.ContentType = contentType;
        record.MailboxGln = mailboxOptions.Value.Find(s.ReceiverGln)?.Gln;
        record.DedupeKey = dedupeKey;
        return record;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} ({Kind}) {Outcome}, answered {AcknowledgementCode}, via {Channel}")]
    private static partial void LogStored(ILogger logger, Guid? messageId, MedComMessageKind kind, IntakeOutcome outcome, string? acknowledgementCode, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "An unreadable body of {Size} bytes via {Channel} was quarantined as {QuarantineId}")]
    private static partial void LogQuarantined(ILogger logger, string quarantineId, int size, string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected message {MessageId} ({Kind}) processed again: {Outcome}")]
    private static partial void LogReprocessed(ILogger logger, Guid messageId, MedComMessageKind kind, IntakeOutcome outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "A message via {Channel} could not be stored ({ExceptionType}); the sender or the folder keeps it for a retry")]
    private static partial void LogStorageFailed(ILogger logger, string? exceptionType, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The transient-error acknowledgement could not be delivered ({ExceptionType})")]
    private static partial void LogTransientNotSent(ILogger logger, string? exceptionType);
}
