using System.Data.Common;
using MedComMailbox.Contracts;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.MedCom;

namespace MedComMailbox.Infrastructure.Intake;

/// <summary>
/// The storing transaction of one intake: the row (or, for a duplicate, the first one's count), its thread, the answer
/// and the bus event, all in the caller's transaction; and how the issues classify the row.
/// </summary>
internal sealed class IntakeTransaction(MessageStore store, OutboxStore outbox, IntakeAnswers answers, Quarantine quarantine)
{
    /// <summary>The answer building, for the answer to the message as read (made before the write).</summary>
    internal IntakeAnswers Answers => answers;

    /// <summary>The statements of one intake, in the given transaction. Only SQL and what a finding inside changes.</summary>
    internal async Task<(IntakeResult Result, string? MailboxGln)?> StoreInTransactionAsync(
        DbConnection connection, DbTransaction transaction, InboundReadResult read, MessageRecord record, List<MedComIssue> issues,
        IntakeAnswers.PreparedAnswer asRead, MailboxIdentity us, DateTimeOffset now, MessageRecord? replacing)
    {
        var s = read.Summary;
        var nowMs = now.ToUnixTimeMilliseconds();

        // Reprocessing: the rejected row gives way first, so its dedupe key does not make the message its own duplicate.
        if (replacing is not null &&
            !await MessageStore.DeleteRejectedAsync(connection, transaction, replacing.Id))
        {
            return null;
        }

        if (record.DedupeKey is { } dedupeKey && await store.FindByDedupeKeyAsync(connection, transaction, dedupeKey) is { } first)
        {
            return (await AnswerDuplicateAsync(connection, transaction, read, first, us, now), first.MailboxGln);
        }

        var prepared = asRead;
        if (s.Kind != MedComMessageKind.Acknowledgement && s.BundleId is not null &&
            await store.BundleIdUsedByAnotherAsync(connection, transaction, s.BundleId, s.MessageId))
        {
            issues.Add(MedComErrors.BundleIdReused.At("Bundle.id"));
            prepared = answers.Prepare(read, issues.Any(i => i.IsBlocking) ? AcknowledgementOutcome.FatalError : AcknowledgementOutcome.Ok, issues, us, s.SenderGln, now);
            Classify(record, issues);
        }

        var valid = record.Status == MessageStatus.Accepted;
        var id = Guid.Parse(record.Id);
        var answer = prepared.Answer;
        record.AckCode = IntakeAnswers.AnswerCode(answer);
        record.AckMessageId = answer?.MessageId;

        await store.PlaceInThreadAsync(connection, transaction, record);
        await store.InsertAsync(connection, transaction, record);
        await store.AdoptOrphansAsync(connection, transaction, record);
        await answers.QueueAnswerAsync(connection, transaction, record.Id, prepared, now);

        var key = record.Id;
        if (!valid)
        {
            await outbox.PublishLaterAsync(connection, transaction, key, new MedComMessageRejected(id, record.MailboxGln, issues.Where(i => i.IsBlocking).Select(i => i.Code).Distinct().ToList(), now), nowMs);
        }
        else if (s.Kind is MedComMessageKind.Acknowledgement or MedComMessageKind.OioXmlReceipt)
        {
            var matched = s.AcknowledgedMessageId is { } original
                ? await store.MatchAcknowledgementAsync(connection, transaction, original, s.AcknowledgementCode ?? "", s.MessageId ?? id.ToString(), nowMs)
                : null;
            await outbox.PublishLaterAsync(connection, transaction, key, new MedComAcknowledgementReceived(id, matched is null ? null : Guid.Parse(matched), s.AcknowledgementCode ?? "", now), nowMs);
        }
        else
        {
            await outbox.PublishLaterAsync(connection, transaction, key, new MedComMessageReceived(id, record.MailboxGln!, s.SenderGln, s.Kind.ToString(), s.Category, record.ThreadId, s.Activity, now), nowMs);
        }

        return (new IntakeResult(valid ? IntakeOutcome.Accepted : IntakeOutcome.Rejected, id, s.Kind, s.MessageId, answer?.MessageId, record.AckCode, issues), record.MailboxGln);
    }

    /// <summary>MedCom: a duplicate is not stored or shown again, and gets the same acknowledgement content as the first time.</summary>
    private async Task<IntakeResult> AnswerDuplicateAsync(DbConnection connection, DbTransaction transaction, InboundReadResult read, MessageRecord first, MailboxIdentity us, DateTimeOffset now)
    {
        var firstIssues = (first.ErrorCodes ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(code => MedComErrors.Find(code)?.At())
            .OfType<MedComIssue>()
            .ToList();
        var outcome = first.Status == MessageStatus.Rejected ? AcknowledgementOutcome.FatalError : AcknowledgementOutcome.Ok;
        var prepared = answers.Prepare(read, outcome, firstIssues, us, read.Summary.SenderGln, now);
        var answer = prepared.Answer;
        await store.CountDuplicateAsync(connection, transaction, first.Id);
        await answers.QueueAnswerAsync(connection, transaction, first.Id, prepared, now);
        return new IntakeResult(IntakeOutcome.Duplicate, Guid.Parse(first.Id), read.Summary.Kind, read.Summary.MessageId, answer?.MessageId, IntakeAnswers.AnswerCode(answer) ?? first.AckCode, firstIssues);
    }

    /// <summary>Status and error codes from the issues; a rejected row keeps only the head of its body.</summary>
    internal void Classify(MessageRecord record, IReadOnlyList<MedComIssue> issues)
    {
        var valid = !issues.Any(i => i.IsBlocking);
        var cap = quarantine.RejectedBodyMaxBytes;
        if (!valid && record.Raw.Length > cap)
        {
            // A rejected message keeps its size and hash but only the head of its body: a hostile sender cannot fill the
            // disk with 20 MB rejects. A rejection of ours (receiver not yet configured) is answered with a negative
            // acknowledgement, so the sender sends it again; reprocessing needs the whole body and only sees the head.
            record.Raw = record.Raw[..cap];
        }

        record.Status = valid ? MessageStatus.Accepted : MessageStatus.Rejected;
        record.ErrorCodes = valid ? null : string.Join(',', issues.Where(i => i.IsBlocking).Select(i => i.Code).Distinct());
    }
}
