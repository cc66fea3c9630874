using System.Data.Common;
using System.Text.Json;
using Dapper;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;
using MedComMailbox.Core.People;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Hosting;
using MedComMailbox.Infrastructure.MedComSending;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Workflow.Inbox;
using MedComMailbox.MedCom;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// Triage of a received message: every message goes to the inbox; a new referral opens a case (its receipt and consent
/// requests queued in the same transaction); a message in a case's thread or about a child with an open case is attached
/// to it. A triage the CPR register could not serve is tried again from a deadline (<see cref="DeadlineSweep"/>).
/// </summary>
public sealed partial class ReferralTriage(
    CaseStore cases,
    CaseEffects effects,
    ICustodyRegister register,
    StoredMessageReader reader,
    IOptions<WorkflowOptions> options,
    OutboxSignal outboxSignal,
    WorkflowSignal signal,
    TimeProvider time,
    ILogger<ReferralTriage> logger)
{
    /// <summary>The consumer name of triage in the idempotency ledger.</summary>
    public const string TriageConsumerName = "triage";

    // Built once: the options do not change while the process runs, and triage is on the intake's hot path.
    private readonly Lazy<TriageRules> _rules = new(() => options.Value.TriageRules());
    private readonly Lazy<ConsentPolicy> _policy = new(() => options.Value.ConsentPolicy());

    /// <summary>
    /// Triage of one received message, once per <paramref name="consumer"/>: every message goes to the inbox; a new
    /// referral opens a case; a message in a case's thread or about a child with an open case is attached to it.
    /// </summary>
    public async Task<TriageOutcome> TriageAsync(Guid messageId, string consumer, CancellationToken cancellationToken) =>
        await TriageCoreAsync(messageId, consumer, retry: false, cancellationToken);

    /// <summary>A deferred triage (the CPR register was down), again: the message is in the inbox already.</summary>
    public Task<TriageOutcome> RetryAsync(Guid messageId, CancellationToken cancellationToken) =>
        TriageCoreAsync(messageId, TriageConsumerName, retry: true, cancellationToken);

    private async Task<TriageOutcome> TriageCoreAsync(Guid messageId, string consumer, bool retry, CancellationToken cancellationToken)
    {
        var id = messageId.ToString();
        MessageRecord message;
        IReadOnlyList<CaseRef> candidates;
        await using (var connection = await cases.Database.OpenAsync(cancellationToken))
        {
            if (!retry && await InboxStore.WasConsumedAsync(connection, null, consumer, id))
            {
                return TriageOutcome.AlreadyDone;
            }

            message = await connection.QuerySingleOrDefaultAsync<MessageRecord>("SELECT * FROM messages WHERE id = @id", new { id })
                ?? throw new InvalidOperationException($"Message {messageId} is not stored.");
            candidates = await cases.CandidatesAsync(connection, null, message.PatientCpr, message.ThreadId);
        }

        var read = reader.Read(message.Raw, message.ContentType);
        var summary = read.Summary;
        var input = new TriageInput(messageId, message.Kind, message.Category, message.Topic, message.PatientCpr, message.ThreadId,
            message.SenderGln, message.MailboxGln ?? message.ReceiverGln, DateTimeOffset.FromUnixTimeMilliseconds(message.ReceivedAt));
        var decision = TriageClassifier.Classify(input, candidates, _rules.Value);
        CprNumber? child = null;
        if (decision.Route == TriageRoute.NewReferral && !CprNumber.TryParse(message.PatientCpr, out child))
        {
            decision = new TriageDecision(TriageRoute.OtherCorrespondence, null, "referral without a usable CPR number");
        }

        ChildCustody? custody = null;
        var deferred = false;
        if (decision.Route == TriageRoute.NewReferral)
        {
            try
            {
                custody = await register.LookupChildAsync(child!.Value.Value, cancellationToken);
            }
            catch (Exception e) when (!retry && e is not OperationCanceledException)
            {
                // The register is down: the message is safe in the inbox and the sweep tries again.
                LogCustodyLookupFailed(logger, messageId, e.GetType().FullName);
                deferred = true;
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await StoreTriageAsync(message, read, decision, child, custody, deferred, consumer, retry, cancellationToken);
                if (outcome != TriageOutcome.AlreadyDone)
                {
                    LogTriaged(logger, messageId, message.Kind, message.Category, outcome);
                }

                return outcome;
            }
            catch (CaseConcurrencyException) when (attempt < 3)
            {
            }
        }
    }

    private async Task<TriageOutcome> StoreTriageAsync(
        MessageRecord message, InboundReadResult read, TriageDecision decision, CprNumber? child, ChildCustody? custody,
        bool deferred, string consumer, bool retry, CancellationToken cancellationToken)
    {
        var summary = read.Summary;
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        // A new case, its snapshot and its reply to the GP are built before the write transaction (the rules, JSON, the
        // FHIR/OIOXML build and envelope are CPU), from the referral read above; the transaction then only runs SQL.
        var opening = !deferred && decision.Route == TriageRoute.NewReferral
            ? await PrepareCaseAsync(message, read, decision, child!.Value, custody, now, cancellationToken)
            : null;
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var entry = new InboxEntry(
            message.Id, message.MailboxGln ?? message.ReceiverGln ?? "", message.ThreadId, message.Kind, message.ReceivedAt,
            message.SenderGln, summary.SenderName, message.PatientCpr, summary.PatientName, summary.Topic ?? message.Category);
        if (!retry && !await InboxStore.RouteToInboxAsync(connection, transaction, consumer, entry, nowMs))
        {
            return TriageOutcome.AlreadyDone;
        }

        TriageOutcome outcome;
        if (deferred)
        {
            await DeadlineStore.AddAsync(connection, transaction, message.Id, DeadlineKinds.RetryTriage, nowMs + 60_000);
            outcome = TriageOutcome.Deferred;
        }
        else if (decision.Route == TriageRoute.ExistingCase && decision.LinkedCaseId is { } caseId)
        {
            await cases.AttachMessageAsync(connection, transaction, caseId.ToString(), message.Id, "attached", nowMs);
            await cases.AddEventAsync(connection, transaction, caseId.ToString(), nowMs, "message",
                message.Kind == nameof(MedComMessageKind.OioXmlLetter) ? "Nyt brev (OIOXML) i sagen: ligger i indbakken" : "Ny MedCom-besked i sagen: ligger i indbakken", null);
            outcome = TriageOutcome.Attached;
        }
        else if (decision.Route == TriageRoute.NewReferral && await cases.FindByReferralAsync(connection, transaction, message.Id) is null)
        {
            await OpenCaseAsync(connection, transaction, message, summary, decision, opening!, now);
            outcome = TriageOutcome.Opened;
        }
        else
        {
            outcome = decision.Route == TriageRoute.NewReferral ? TriageOutcome.Opened : TriageOutcome.Inbox;
        }

        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify();
        signal.Notify();
        return outcome;
    }

    /// <summary>A case about to be opened, with its effects and the GP messages they ask for, all built outside the transaction.</summary>
    private sealed record CaseOpening(CaseRow Row, ReferralCase Case, IReadOnlyList<CaseEffect> Effects, IReadOnlyDictionary<LetterKind, PreparedOutbound> GpMessages);

    private async Task<CaseOpening> PrepareCaseAsync(
        MessageRecord message, InboundReadResult read, TriageDecision decision, CprNumber child, ChildCustody? custody, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var summary = read.Summary;
        var holders = (custody?.CustodyHolders ?? []).Where(h => !h.Dead).ToList();
        var parties = holders.Select(h => new CaseParty(h.Cpr, PartyRole.CustodyHolder, h.ProtectedAddress)).ToList();
        var names = holders.ToDictionary(h => h.Cpr, h => h.Name, StringComparer.Ordinal);
        var childName = custody?.Child.Name ?? summary.PatientName ?? "barnet";
        names[child.Value] = childName;
        // A consent of an earlier case that still holds (all given, under a year, none withdrawn) is joined, not asked again.
        // Read outside the write transaction, like the rest of the preparation (the same read as before, a few
        // milliseconds earlier); the case's timeline names the case whose consent it joined.
        (Guid Id, IReadOnlyCollection<ConsentParty> Consents)? validConsent;
        await using (var lookup = await cases.Database.OpenAsync(cancellationToken))
        {
            validConsent = await ValidConsentOfEarlierCaseAsync(lookup, null, child.Value, now);
        }

        var (@case, caseEffects) = validConsent is { } e
            ? ReferralCase.OpenOnConsent(Guid.NewGuid(), child, parties, e.Id, e.Consents, _policy.Value, now)
            : ReferralCase.Open(Guid.NewGuid(), child, parties, _policy.Value, now);
        var row = new CaseRow
        {
            Id = @case.Id.ToString(),
            MailboxGln = message.MailboxGln ?? message.ReceiverGln ?? "",
            ReferralMessageId = message.Id,
            ThreadId = message.ThreadId,
            ChildCpr = child.Value,
            ChildName = childName,
            GpGln = message.SenderGln,
            GpName = summary.SenderName,
            State = @case.State.ToString(),
            LinkedCaseId = (decision.LinkedCaseId ?? @case.ConsentFromCase)?.ToString(),
            OpenedAt = now.ToUnixTimeMilliseconds(),
            PartyNames = JsonSerializer.Serialize(names, CaseStore.Json),
            Version = 1,
        };
        row.Flagged = custody is null;
        CaseEffects.Refresh(row, @case, now);
        var gpMessages = await effects.PrepareGpMessagesAsync(row, @case, caseEffects, message, read.Parsed, now, cancellationToken);
        return new CaseOpening(row, @case, caseEffects, gpMessages);
    }

    private async Task OpenCaseAsync(
        DbConnection connection, DbTransaction transaction, MessageRecord message, InboundMessageSummary summary,
        TriageDecision decision, CaseOpening opening, DateTimeOffset now)
    {
        var row = opening.Row;
        await cases.AttachMessageAsync(connection, transaction, row.Id, message.Id, "referral", row.OpenedAt);
        await cases.AddEventAsync(connection, transaction, row.Id, row.OpenedAt, "received",
            $"Henvisning modtaget fra {summary.SenderName ?? message.SenderGln ?? "afsender"}; sag oprettet", null);
        if (decision.LinkedCaseId is { } earlier)
        {
            await cases.AddEventAsync(connection, transaction, row.Id, row.OpenedAt, "linked", $"Genhenvisning: barnet havde en sag, der blev afsluttet for nylig ({earlier})", null);
        }

        if (opening.Case.ConsentFromCase is { } joined)
        {
            var givenAt = opening.Case.Consents.Where(c => c.AnsweredAt is not null).Min(c => c.AnsweredAt!.Value);
            await cases.AddEventAsync(connection, transaction, row.Id, row.OpenedAt, "linked",
                $"Genhenvisning: samtykket fra barnets tidligere sag ({joined}) gælder stadig (givet {CaseEffects.Format(givenAt)}); der spørges ikke om samtykke igen", null);
        }

        if (row.Flagged)
        {
            await cases.AddEventAsync(connection, transaction, row.Id, row.OpenedAt, "flag", "CPR-registret kender ikke barnets CPR-nummer", null);
        }

        await effects.ApplyAsync(connection, transaction, row, opening.Case, opening.Effects, now, null, opening.GpMessages);
        await cases.InsertAsync(connection, transaction, row);
    }

    private async Task<(Guid Id, IReadOnlyCollection<ConsentParty> Consents)?> ValidConsentOfEarlierCaseAsync(
        DbConnection connection, DbTransaction? transaction, string childCpr, DateTimeOffset now)
    {
        var rows = await connection.QueryAsync<(string Id, string Snapshot)>(
            "SELECT id, snapshot FROM cases WHERE child_cpr = @childCpr ORDER BY opened_at DESC", new { childCpr }, transaction);
        foreach (var row in rows)
        {
            var earlier = ReferralCase.Restore(CaseStore.Deserialize(row.Snapshot), _policy.Value);
            if (!ReferralCase.IsConsentStop(earlier.State) && earlier.MayGoToCommittee(now))
            {
                return (earlier.Id, earlier.Consents);
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} ({Kind}, {Category}) put in the inbox; triage: {Outcome}")]
    private static partial void LogTriaged(ILogger logger, Guid messageId, string kind, string? category, TriageOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The CPR register could not be asked about the child of message {MessageId} ({ExceptionType}); the message is in the inbox and triage is tried again")]
    private static partial void LogCustodyLookupFailed(ILogger logger, Guid messageId, string? exceptionType);
}
