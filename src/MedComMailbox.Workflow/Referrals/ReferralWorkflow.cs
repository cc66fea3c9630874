using System.Data.Common;
using System.Text.Json;
using Dapper;
using MedComMailbox.Contracts;
using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;
using MedComMailbox.Core.People;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Citizens;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.Outbound;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Workflow.Inbox;
using MedComMailbox.MedCom;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Referrals;

public enum TriageOutcome
{
    /// <summary>The event had been handled before: nothing changed.</summary>
    AlreadyDone,
    /// <summary>Kept in the inbox for a person.</summary>
    Inbox,
    /// <summary>Attached to an existing case (and in the inbox).</summary>
    Attached,
    /// <summary>A new referral: a case was opened, the receipt and consent requests are queued.</summary>
    Opened,
    /// <summary>The CPR register could not be asked; in the inbox, and triage is tried again by the sweep.</summary>
    Deferred,
}

/// <summary>
/// The referral workflow's commands: triage of a received message, consent answers (page, paper, withdrawal), the
/// committee's decision, closing, resending a letter, and due deadlines. Each command loads the case, asks Core's rules
/// what follows, and stores the case with its effects in one transaction (optimistic concurrency, retried on conflict).
/// </summary>
public sealed partial class ReferralWorkflow(
    CaseStore cases,
    CaseEffects effects,
    Course.CourseWorkflow courses,
    ICustodyRegister register,
    StoredMessageReader reader,
    IOptions<WorkflowOptions> options,
    OutboxSignal outboxSignal,
    WorkflowSignal signal,
    TimeProvider time,
    ILogger<ReferralWorkflow> logger)
{
    private static readonly TimeSpan DeadlineLease = TimeSpan.FromMinutes(2);
    private readonly string _me = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    // Built once: the options do not change while the process runs, and triage is on the intake's hot path.
    private readonly Lazy<AgendaPlanner> _planner = new(() => new AgendaPlanner(options.Value.Schedule(), options.Value.Calendar()));
    private readonly Lazy<TriageRules> _rules = new(() => options.Value.TriageRules());
    private readonly Lazy<ConsentPolicy> _policy = new(() => options.Value.ConsentPolicy());

    private AgendaPlanner Planner => _planner.Value;

    // ---------------------------------------------------------------- triage

    /// <summary>
    /// Triage of one received message, once per <paramref name="consumer"/>: every message goes to the inbox; a new
    /// referral opens a case; a message in a case's thread or about a child with an open case is attached to it.
    /// </summary>
    public async Task<TriageOutcome> TriageAsync(Guid messageId, string consumer, CancellationToken cancellationToken) =>
        await TriageCoreAsync(messageId, consumer, retry: false, cancellationToken);

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
            await cases.AddDeadlineAsync(connection, transaction, message.Id, DeadlineKinds.RetryTriage, nowMs + 60_000);
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

    // ---------------------------------------------------------------- consent

    public async Task<ConsentInvitation?> FindInvitationAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        var found = await FindTokenAsync(connection, token);
        if (found is null)
        {
            return null;
        }

        var row = await cases.GetAsync(connection, null, Guid.Parse(found.CaseId));
        if (row is null)
        {
            return null;
        }

        var @case = ReferralCase.Restore(CaseStore.Deserialize(row.Snapshot), _policy.Value);
        var party = @case.Parties.FirstOrDefault(p => p.PartyId == found.PartyId);
        if (party is null)
        {
            return null;
        }

        var o = options.Value;
        return new ConsentInvitation(@case.Id, party.PartyId, party.Role, row.NameOf(party.PartyId), row.ChildName, row.GpName, o.Municipality, o.Committee,
            DateTimeOffset.FromUnixTimeMilliseconds(found.ExpiresAt), o.Consent.MaxValidity);
    }

    public async Task<ConsentPageOutcome> AnswerByTokenAsync(string token, string signedInCpr, bool give, CancellationToken cancellationToken)
    {
        TokenRow? found;
        await using (var connection = await cases.Database.OpenAsync(cancellationToken))
        {
            found = await FindTokenAsync(connection, token);
        }

        if (found is null)
        {
            return ConsentPageOutcome.LinkInvalid;
        }

        if (!string.Equals(Digits(signedInCpr), found.PartyId, StringComparison.Ordinal))
        {
            return ConsentPageOutcome.WrongPerson;
        }

        var outcome = ConsentPageOutcome.LinkInvalid;
        await RunCaseAsync(Guid.Parse(found.CaseId), null, async (connection, transaction, row, @case, now) =>
        {
            if (!@case.IsOpen)
            {
                outcome = ConsentPageOutcome.CaseClosed;
                return null;
            }

            // Single use: the link, and every other link of this person in this case, is spent inside the same transaction.
            var spent = await connection.ExecuteAsync(
                "UPDATE consent_tokens SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now",
                new { now = now.ToUnixTimeMilliseconds(), hash = found.TokenHash }, transaction);
            if (spent != 1 || @case.Parties.All(p => p.PartyId != found.PartyId))
            {
                outcome = ConsentPageOutcome.LinkInvalid;
                return null;
            }

            await SpendTokensAsync(connection, transaction, row.Id, found.PartyId, now);
            var answer = give ? ConsentAnswer.Given : ConsentAnswer.Refused;
            var result = @case.RecordConsent(found.PartyId, answer, now);
            await cases.AddEventAsync(connection, transaction, row.Id, now.ToUnixTimeMilliseconds(), "consent",
                $"{(give ? "Samtykke givet" : "Samtykke afslået")} af {Who(@case, found.PartyId)} på samtykkesiden", null);
            outcome = ConsentPageOutcome.Recorded;
            return result;
        }, alwaysSave: false, cancellationToken);
        return outcome;
    }

    public async Task<bool> RegisterConsentAsync(Guid caseId, string partyId, ConsentAnswer answer, string staffUser, CancellationToken cancellationToken)
    {
        if (answer == ConsentAnswer.Pending)
        {
            return false;
        }

        return await RunCaseAsync(caseId, staffUser, async (connection, transaction, row, @case, now) =>
        {
            var before = @case.Consents.FirstOrDefault(c => c.PartyId == partyId);
            if (before is null)
            {
                return null;
            }

            var result = @case.RecordConsent(partyId, answer, now);
            var after = @case.Consents.First(c => c.PartyId == partyId);
            if (after == before)
            {
                return null;
            }

            await SpendTokensAsync(connection, transaction, row.Id, partyId, now);
            var what = answer switch
            {
                ConsentAnswer.Given => "Papirsamtykke registreret",
                ConsentAnswer.Refused => "Afslag på samtykke registreret",
                _ => "Tilbagetrækning af samtykke registreret",
            };
            await cases.AddEventAsync(connection, transaction, row.Id, now.ToUnixTimeMilliseconds(), "consent", $"{what} for {Who(@case, partyId)}", staffUser);
            if (before.Answer == ConsentAnswer.Given && after.Answer is ConsentAnswer.Withdrawn or ConsentAnswer.Refused)
            {
                // A given consent is revoked: the cases that share it stop too (a refusal of a consent never given cannot have been joined).
                await CarryWithdrawalAsync(connection, transaction, row, before, now, staffUser);
            }

            return result;
        }, alwaysSave: false, cancellationToken);
    }

    // ---------------------------------------------------------------- committee and staff

    /// <summary>
    /// The letters a decision with these values would send now (to the GP by MedCom, to every party by Digital Post),
    /// rendered by the same code that sends them, with a fingerprint of their texts; nothing is stored or sent. Null when
    /// the decision could not be recorded now (not on the agenda, meeting not begun, consent no longer valid).
    /// </summary>
    public async Task<DecisionPreview?> PreviewDecisionAsync(Guid caseId, string outcome, string responsibleParty, string summary, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(outcome) || string.IsNullOrWhiteSpace(responsibleParty))
        {
            return null;
        }

        var now = time.GetUtcNow();
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        var row = await cases.GetAsync(connection, null, caseId);
        if (row is null)
        {
            return null;
        }

        // The rules run on a copy restored from the snapshot; it is never saved.
        var @case = ReferralCase.Restore(CaseStore.Deserialize(row.Snapshot), _policy.Value);
        var result = @case.RecordDecision(new CommitteeDecision(outcome.Trim(), responsibleParty.Trim(), summary.Trim(), now));
        if (result.Count == 0)
        {
            return null;
        }

        var letters = await effects.RenderAsync(connection, null, row, @case, result);
        return new DecisionPreview(letters, DecisionPreview.FingerprintOf(letters));
    }

    /// <summary>
    /// Records the committee's decision and sends its letters. With <paramref name="previewed"/> (the fingerprint of
    /// <see cref="PreviewDecisionAsync"/>), nothing is recorded unless the letters about to be sent are the ones previewed.
    /// </summary>
    public Task<bool> RecordDecisionAsync(
        Guid caseId, string outcome, string responsibleParty, string summary, string staffUser, CancellationToken cancellationToken, string? previewed = null)
    {
        if (string.IsNullOrWhiteSpace(outcome) || string.IsNullOrWhiteSpace(responsibleParty))
        {
            return Task.FromResult(false);
        }

        return RunCaseAsync(caseId, staffUser, async (connection, transaction, row, @case, now) =>
        {
            var result = @case.RecordDecision(new CommitteeDecision(outcome.Trim(), responsibleParty.Trim(), summary.Trim(), now));
            if (result.Count == 0)
            {
                return null;
            }

            if (previewed is not null
                && DecisionPreview.FingerprintOf(await effects.RenderAsync(connection, transaction, row, @case, result)) != previewed)
            {
                return null;
            }

            await cases.AddEventAsync(connection, transaction, row.Id, now.ToUnixTimeMilliseconds(), "decision",
                $"Udvalgets beslutning registreret; indsatsansvarlig: {responsibleParty.Trim()}", staffUser);
            await courses.StartAsync(connection, transaction, row, @case.Decision!, staffUser, now);
            return result;
        }, alwaysSave: false, cancellationToken);
    }

    public Task<bool> CloseAsync(Guid caseId, string reason, string staffUser, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Task.FromResult(false);
        }

        return RunCaseAsync(caseId, staffUser, async (connection, transaction, row, @case, now) =>
        {
            if (@case.NeedsAction)
            {
                @case.CloseByStaff(reason.Trim(), now);
                await cases.AddEventAsync(connection, transaction, row.Id, now.ToUnixTimeMilliseconds(), "closed",
                    $"Sagen er lukket af en medarbejder og fjernet fra listen \"Kræver handling\": {reason.Trim()}", staffUser);
                return [];
            }

            return @case.IsOpen ? @case.CloseByStaff(reason.Trim(), now) : null;
        }, alwaysSave: false, cancellationToken);
    }

    public async Task<bool> ResendLetterAsync(Guid letterId, string staffUser, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LetterStore.SendFailedAgainAsync(connection, transaction, letterId, now) is not { } caseId)
        {
            return false;
        }

        await cases.AddEventAsync(connection, transaction, caseId, now, "letter", "Fejlet brev sendt igen", staffUser);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        return true;
    }

    // ---------------------------------------------------------------- deadlines

    /// <summary>Handles every deadline row that is due; several processes may run this at once (rows are leased). Returns how many were handled.</summary>
    public async Task<int> RunDueDeadlinesAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = await ClaimDeadlinesAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return handled;
            }

            foreach (var deadline in batch)
            {
                try
                {
                    await HandleDeadlineAsync(deadline, cancellationToken);
                    handled++;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    await PostponeDeadlineAsync(deadline, e, cancellationToken);
                }
            }
        }

        return handled;
    }

    private sealed record DeadlineRow(long Id, string CaseId, string Kind, long DueAt, long Attempts);

    private async Task<IReadOnlyList<DeadlineRow>> ClaimDeadlinesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        var due = (await connection.QueryAsync<DeadlineRow>(
            cases.Database.Dialect.Limit(
                "SELECT id, case_id, kind, due_at, attempts FROM deadlines WHERE done_at IS NULL AND due_at <= @now AND (locked_until IS NULL OR locked_until <= @now) ORDER BY due_at", 20),
            new { now })).AsList();
        var claimed = new List<DeadlineRow>();
        foreach (var row in due)
        {
            var taken = await connection.ExecuteAsync(
                "UPDATE deadlines SET locked_by = @me, locked_until = @until WHERE id = @Id AND done_at IS NULL AND (locked_until IS NULL OR locked_until <= @now)",
                new { me = _me, until = now + (long)DeadlineLease.TotalMilliseconds, row.Id, now });
            if (taken == 1)
            {
                claimed.Add(row);
            }
        }

        return claimed;
    }

    private async Task HandleDeadlineAsync(DeadlineRow deadline, CancellationToken cancellationToken)
    {
        switch (deadline.Kind)
        {
            case DeadlineKinds.RetryTriage:
                await TriageCoreAsync(Guid.Parse(deadline.CaseId), TriageConsumerName, retry: true, cancellationToken);
                await MarkDoneAsync(deadline.Id, cancellationToken);
                break;

            case DeadlineKinds.CustodyRecheck:
                var row = await LoadRowAsync(Guid.Parse(deadline.CaseId), cancellationToken);
                var custody = row is null ? null : await register.LookupChildAsync(row.ChildCpr, cancellationToken);
                await RunCaseAsync(Guid.Parse(deadline.CaseId), null, async (connection, transaction, caseRow, @case, now) =>
                {
                    await MarkDoneAsync(connection, transaction, deadline.Id, now);
                    var holders = (custody?.CustodyHolders ?? []).Where(h => !h.Dead).ToList();
                    if (holders.Count == 0)
                    {
                        await cases.AddEventAsync(connection, transaction, caseRow.Id, now.ToUnixTimeMilliseconds(), "flag",
                            "Forældremyndigheden kunne ikke bekræftes i CPR før udvalget: en medarbejder må se på sagen", null);
                        caseRow.Flagged = true;
                        return [];
                    }

                    var names = caseRow.Names().ToDictionary(StringComparer.Ordinal);
                    foreach (var h in holders)
                    {
                        names[h.Cpr] = h.Name;
                    }

                    caseRow.PartyNames = JsonSerializer.Serialize(names, CaseStore.Json);
                    return @case.CustodyRechecked(holders.Select(h => new CaseParty(h.Cpr, PartyRole.CustodyHolder, h.ProtectedAddress)).ToList(), Planner, now);
                }, alwaysSave: true, cancellationToken);
                break;

            case Course.CourseWorkflow.CheckKind:
                await courses.CheckAsync(Guid.Parse(deadline.CaseId), deadline.Id, cancellationToken);
                break;

            default:
                var kind = Enum.Parse<DeadlineKind>(deadline.Kind);
                await RunCaseAsync(Guid.Parse(deadline.CaseId), null, async (connection, transaction, _, @case, now) =>
                {
                    await MarkDoneAsync(connection, transaction, deadline.Id, now);
                    return @case.DeadlineReached(kind, now);
                }, alwaysSave: true, cancellationToken);
                break;
        }
    }

    private async Task PostponeDeadlineAsync(DeadlineRow deadline, Exception error, CancellationToken cancellationToken)
    {
        var attempts = deadline.Attempts + 1;
        // 15 s, 30 s, 1 min … at most an hour: a busy database or a blip recovers in seconds, an outage gets backoff.
        var delay = TimeSpan.FromSeconds(Math.Min(3600, 15 * Math.Pow(2, Math.Min(attempts - 1, 8))));
        LogDeadlineFailed(logger, deadline.Id, deadline.Kind, attempts, error.GetType().FullName, delay.TotalMinutes);
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "UPDATE deadlines SET attempts = @attempts, last_error = @error, locked_by = NULL, locked_until = @until WHERE id = @Id AND done_at IS NULL",
            new { attempts, error = error.GetType().FullName, until = time.GetUtcNow().Add(delay).ToUnixTimeMilliseconds(), deadline.Id });
    }

    private async Task MarkDoneAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("UPDATE deadlines SET done_at = @now WHERE id = @id", new { now = time.GetUtcNow().ToUnixTimeMilliseconds(), id });
    }

    private static async Task MarkDoneAsync(DbConnection connection, DbTransaction transaction, long id, DateTimeOffset now) =>
        await connection.ExecuteAsync("UPDATE deadlines SET done_at = @now WHERE id = @id", new { now = now.ToUnixTimeMilliseconds(), id }, transaction);

    // ---------------------------------------------------------------- the case runner

    /// <summary>The consumer name of triage in the idempotency ledger.</summary>
    public const string TriageConsumerName = "triage";

    private delegate Task<IReadOnlyList<CaseEffect>?> CaseStep(DbConnection connection, DbTransaction transaction, CaseRow row, ReferralCase @case, DateTimeOffset now);

    /// <summary>
    /// Loads the case, runs the step, stores the case and carries out the effects in one transaction. A step returns null
    /// for "nothing to do" (rolled back, false). Conflicting writers retry.
    /// </summary>
    private async Task<bool> RunCaseAsync(Guid caseId, string? actor, CaseStep step, bool alwaysSave, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var now = time.GetUtcNow();
                await using var connection = await cases.Database.OpenAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var row = await cases.GetAsync(connection, transaction, caseId);
                if (row is null)
                {
                    return false;
                }

                var @case = ReferralCase.Restore(CaseStore.Deserialize(row.Snapshot), _policy.Value);
                var wasOpen = @case.IsOpen;
                var stateBefore = @case.State;
                var result = await step(connection, transaction, row, @case, now);
                if (result is null && !alwaysSave)
                {
                    return false;
                }

                await SaveCaseAsync(connection, transaction, row, @case, wasOpen, stateBefore, result ?? [], now, actor);
                await transaction.CommitAsync(cancellationToken);
                outboxSignal.Notify();
                signal.Notify();
                return result is not null;
            }
            catch (CaseConcurrencyException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>Stores a case the rules have changed, with its effects, inside the caller's transaction (optimistic concurrency).</summary>
    private async Task SaveCaseAsync(
        DbConnection connection, DbTransaction transaction, CaseRow row, ReferralCase @case, bool wasOpen, CaseState stateBefore,
        IReadOnlyList<CaseEffect> result, DateTimeOffset now, string? actor)
    {
        CaseEffects.Refresh(row, @case, now);
        await effects.ApplyAsync(connection, transaction, row, @case, result, now, actor);
        foreach (var tell in result.OfType<TellResponsibleParty>())
        {
            await courses.StopAsync(connection, transaction, row, tell.Reason, actor, now);
        }

        if (@case.State != stateBefore && (wasOpen && !@case.IsOpen || ReferralCase.IsConsentStop(@case.State)))
        {
            await cases.AddEventAsync(connection, transaction, row.Id, now.ToUnixTimeMilliseconds(), "closed", ClosedText(@case), actor);
            await effects.PublishClosedAsync(connection, transaction, row, @case, now);
        }

        await cases.UpdateAsync(connection, transaction, row);
    }

    /// <summary>
    /// A given consent was withdrawn (or refused after it was given) on <paramref name="origin"/>: every other case of the
    /// child that holds the same consent (joined it, or was joined by it) stops as if it had been withdrawn there, in the
    /// same transaction. Consent belongs to the child, not to the case.
    /// </summary>
    private async Task CarryWithdrawalAsync(
        DbConnection connection, DbTransaction transaction, CaseRow origin, ConsentParty revoked, DateTimeOffset now, string? actor)
    {
        var links = (await connection.QueryAsync<(string Id, string Snapshot)>(
                "SELECT id, snapshot FROM cases WHERE child_cpr = @childCpr", new { childCpr = origin.ChildCpr }, transaction))
            .Select(r => (Guid.Parse(r.Id), CaseStore.Deserialize(r.Snapshot).ConsentFromCase))
            .ToList();
        foreach (var id in ReferralCase.SharingConsent(Guid.Parse(origin.Id), links))
        {
            var row = await cases.GetAsync(connection, transaction, id);
            if (row is null)
            {
                continue;
            }

            var @case = ReferralCase.Restore(CaseStore.Deserialize(row.Snapshot), _policy.Value);
            var (wasOpen, stateBefore) = (@case.IsOpen, @case.State);
            var result = @case.SharedConsentWithdrawn(revoked, now);
            if (result.Count == 0)
            {
                continue;
            }

            await cases.AddEventAsync(connection, transaction, row.Id, now.ToUnixTimeMilliseconds(), "consent",
                $"Samtykket er trukket tilbage af {Who(@case, revoked.PartyId)} i barnets sag {origin.Id}, som deler samtykke med denne sag", actor);
            await cases.AddEventAsync(connection, transaction, origin.Id, now.ToUnixTimeMilliseconds(), "consent",
                $"Tilbagetrækningen gælder også barnets sag {row.Id}, som deler samtykke med denne sag: den er standset", actor);
            await SaveCaseAsync(connection, transaction, row, @case, wasOpen, stateBefore, result, now, actor);
        }
    }

    private async Task<CaseRow?> LoadRowAsync(Guid caseId, CancellationToken cancellationToken)
    {
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        return await cases.GetAsync(connection, null, caseId);
    }

    private sealed record TokenRow(string TokenHash, string CaseId, string PartyId, long ExpiresAt);

    private async Task<TokenRow?> FindTokenAsync(DbConnection connection, string token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return null;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return await connection.QuerySingleOrDefaultAsync<TokenRow>(
            "SELECT token_hash, case_id, party_id, expires_at FROM consent_tokens WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now",
            new { hash = CaseEffects.HashToken(token), now });
    }

    private static async Task SpendTokensAsync(DbConnection connection, DbTransaction transaction, string caseId, string partyId, DateTimeOffset now) =>
        await connection.ExecuteAsync(
            "UPDATE consent_tokens SET used_at = @now WHERE case_id = @caseId AND party_id = @partyId AND used_at IS NULL",
            new { now = now.ToUnixTimeMilliseconds(), caseId, partyId }, transaction);

    private static string Who(ReferralCase @case, string partyId) =>
        @case.Parties.FirstOrDefault(p => p.PartyId == partyId)?.Role == PartyRole.Child ? "barnet" : "en forældremyndighedsindehaver";

    private static string Digits(string text) => new(text.Where(char.IsAsciiDigit).ToArray());

    private static string ClosedText(ReferralCase @case) => @case.State switch
    {
        CaseState.Decided => "Sagen er behandlet i udvalget",
        CaseState.ClosedNoConsent => "Sagen er afsluttet: intet samtykke inden fristen",
        CaseState.ClosedByStaff => $"Sagen er lukket af en medarbejder: {@case.ClosedReason}",
        CaseState.ConsentRefused => "Sagen er standset: samtykke afslået. Den står på listen \"Kræver handling\", til en medarbejder lukker den",
        CaseState.ConsentWithdrawn => "Sagen er standset: samtykket er trukket tilbage. Den står på listen \"Kræver handling\", til en medarbejder lukker den",
        CaseState.ConsentExpired => "Sagen er standset: samtykket er udløbet. Den står på listen \"Kræver handling\", til en medarbejder lukker den",
        _ => "Sagen er afsluttet",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} ({Kind}, {Category}) put in the inbox; triage: {Outcome}")]
    private static partial void LogTriaged(ILogger logger, Guid messageId, string kind, string? category, TriageOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The CPR register could not be asked about the child of message {MessageId} ({ExceptionType}); the message is in the inbox and triage is tried again")]
    private static partial void LogCustodyLookupFailed(ILogger logger, Guid messageId, string? exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deadline {DeadlineId} ({Kind}) failed on attempt {Attempt} ({ExceptionType}); next try in {DelayMinutes} min")]
    private static partial void LogDeadlineFailed(ILogger logger, long deadlineId, string kind, long attempt, string? exceptionType, double delayMinutes);
}
