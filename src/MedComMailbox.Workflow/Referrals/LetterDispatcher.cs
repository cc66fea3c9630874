using System.Text;
using Dapper;
using MedComMailbox.Core.Letters;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Citizens;
using MedComMailbox.Infrastructure.DigitalPost;
using MedComMailbox.Infrastructure.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// Sends queued Digital Post letters as MeMo 1.2 through <see cref="IDigitalPostGateway"/> and records their delivery
/// status. A letter's row id is its messageUUID, so a retry (after a timeout, a crash, or by staff) is the same letter
/// for Digital Post. Rows are leased, so several processes can send without sending anything twice.
/// A letter whose recipient the register says, when it is to be sent, is exempt from Digital Post goes to the print queue
/// instead (status <c>print</c>, <c>DigitalPost:ExemptRecipients</c> = PrintQueue, the default) until an operator marks it
/// printed and sent (<c>printed</c>). The letters table's statuses are written here and nowhere else but the queueing
/// (<see cref="CaseEffects"/>) and the staff's resend (<see cref="ReferralWorkflow"/>).
/// </summary>
public sealed partial class LetterDispatcher(
    CaseStore cases,
    IDigitalPostGateway gateway,
    ICustodyRegister register,
    AuditLog audit,
    IOptions<WorkflowOptions> options,
    IConfiguration configuration,
    TimeProvider time,
    MailboxTelemetry telemetry,
    ILogger<LetterDispatcher> logger) : IPostStatusSink
{
    /// <summary>After this many failed sends the letter is marked failed for a person to look at.</summary>
    public const int MaxAttempts = 6;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private sealed class StatusRow
    {
        public string CaseId { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Status { get; set; } = "";
    }

    private class LetterRow
    {
        public string Id { get; set; } = "";
        public string CaseId { get; set; } = "";
        public string Kind { get; set; } = "";
        public string PartyId { get; set; } = "";
        public string PartyRole { get; set; } = "";
        public string Title { get; set; } = "";
        public string Body { get; set; } = "";
        public string? ActionUrl { get; set; }
        public long? ActionUntil { get; set; }
        public long Attempts { get; set; }
        public long CreatedAt { get; set; }
        public string ChildCpr { get; set; } = "";
        public string? ReferralMessageId { get; set; }
    }

    /// <summary>Sends every letter that is due; returns how many were accepted by Digital Post.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = await ClaimAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return sent;
            }

            foreach (var letter in batch)
            {
                if (await SendOneAsync(letter, cancellationToken))
                {
                    sent++;
                }
            }
        }

        return sent;
    }

    private async Task<List<LetterRow>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        var due = (await connection.QueryAsync<LetterRow>(
            cases.Database.Dialect.Limit(
                """
                SELECT l.id, l.case_id, l.kind, l.party_id, l.party_role, l.title, l.body, l.action_url, l.action_until, l.attempts, l.created_at, c.child_cpr, c.referral_message_id
                FROM letters l JOIN cases c ON c.id = l.case_id
                WHERE (l.status = 'pending' AND l.next_attempt_at <= @now) OR (l.status = 'sending' AND l.locked_until < @now)
                ORDER BY l.next_attempt_at
                """, 20),
            new { now })).AsList();
        var claimed = new List<LetterRow>();
        foreach (var letter in due)
        {
            var taken = await connection.ExecuteAsync(
                """
                UPDATE letters SET status = 'sending', locked_until = @until, attempts = attempts + 1
                WHERE id = @Id AND ((status = 'pending' AND next_attempt_at <= @now) OR (status = 'sending' AND locked_until < @now))
                """,
                new { until = now + (long)Lease.TotalMilliseconds, letter.Id, now });
            if (taken == 1)
            {
                letter.Attempts++;
                claimed.Add(letter);
            }
        }

        return claimed;
    }

    private async Task<bool> SendOneAsync(LetterRow letter, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        using var activity = MailboxTelemetry.StartForMessage("medcom.letter.send", letter.ReferralMessageId, System.Diagnostics.ActivityKind.Client);
        try
        {
            // The register as it stands now: a person can have become exempt (or registered) since the case opened.
            if (ExemptRecipientsSetting.Read(configuration) == ExemptRecipients.PrintQueue
                && await register.LookupPersonAsync(letter.PartyId, cancellationToken) is { ExemptFromDigitalPost: true } person)
            {
                await QueueForPrintAsync(letter, person, now);
                return false;
            }

            var memo = ToMemo(letter, await ConsentLinkAsync(letter, now, cancellationToken));
            var result = await gateway.SendAsync(memo, cancellationToken);
            if (!result.Accepted)
            {
                throw new DigitalPostException("KombiPostAfsend did not accept the letter.");
            }

            await using var connection = await cases.Database.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(
                """
                UPDATE letters SET status = CASE WHEN status = 'sending' THEN 'accepted' ELSE status END,
                       status_at = CASE WHEN status = 'sending' THEN @now ELSE status_at END,
                       transmission_id = @TransmissionId, sent_at = @now, locked_until = NULL
                WHERE id = @Id
                """,
                new { result.TransmissionId, now = now.ToUnixTimeMilliseconds(), letter.Id });
            LogSent(logger, Guid.Parse(letter.Id), letter.Kind);
            telemetry.LetterSent(letter.Kind);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var permanent = e is MemoValidationException;
            var failed = permanent || letter.Attempts >= MaxAttempts;
            var delay = TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, letter.Attempts - 1)));
            await using var connection = await cases.Database.OpenAsync(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            await connection.ExecuteAsync(
                """
                UPDATE letters SET status = @status, next_attempt_at = @next, locked_until = NULL, error_code = @error, status_at = @now
                WHERE id = @Id AND status = 'sending'
                """,
                new
                {
                    status = failed ? "failed" : "pending",
                    next = now.Add(delay).ToUnixTimeMilliseconds(),
                    error = permanent ? "memo.invalid" : e.GetType().Name,
                    now = now.ToUnixTimeMilliseconds(),
                    letter.Id,
                },
                transaction);
            if (failed)
            {
                telemetry.LetterFailed(letter.Kind);
                await FlagAsync(connection, transaction, letter.CaseId, Enum.Parse<LetterKind>(letter.Kind), now.ToUnixTimeMilliseconds(), permanent ? "memo.invalid" : "no-answer");
            }

            await transaction.CommitAsync(CancellationToken.None);
            LogSendFailed(logger, Guid.Parse(letter.Id), letter.Attempts, e.GetType().FullName, failed);
            return false;
        }
    }

    private async Task QueueForPrintAsync(LetterRow letter, RegisteredPerson person, DateTimeOffset now)
    {
        var at = now.ToUnixTimeMilliseconds();
        await using var connection = await cases.Database.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        var queued = await connection.ExecuteAsync(
            """
            UPDATE letters SET status = 'print', print_name = @name, print_address = @address, status_at = @at, locked_until = NULL, error_code = NULL
            WHERE id = @Id AND status = 'sending'
            """,
            new { name = person.Name, address = person.Address, at, letter.Id },
            transaction);
        if (queued == 1)
        {
            await cases.AddEventAsync(connection, transaction, letter.CaseId, at, "letter-print",
                $"{CaseEffects.LetterName(Enum.Parse<LetterKind>(letter.Kind))} til {Who(letter.PartyRole)} lagt i udskriftskøen: modtageren er fritaget for Digital Post og får brevet på papir", null);
        }

        await transaction.CommitAsync(CancellationToken.None);
        LogQueuedForPrint(logger, Guid.Parse(letter.Id), letter.Kind);
    }

    /// <summary>
    /// A letter of the print queue, ready to render (<see cref="LetterPdf"/>); null when no letter with that id waits to be
    /// printed. A consent letter gets a fresh link each time (only the token's hash is stored), valid until the consent
    /// deadline like the link in a Digital Post letter.
    /// </summary>
    public async Task<PaperLetter?> PaperLetterAsync(Guid letterId, CancellationToken cancellationToken)
    {
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PaperRow>(
            """
            SELECT l.id, l.case_id, l.kind, l.party_id, l.party_role, l.title, l.body, l.action_url, l.action_until, l.attempts, l.created_at,
                   c.child_cpr, c.referral_message_id, c.mailbox_gln, l.print_name, l.print_address, l.recipient_name
            FROM letters l JOIN cases c ON c.id = l.case_id
            WHERE l.id = @id AND l.status = 'print'
            """,
            new { id = letterId.ToString() });
        if (row is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var link = await ConsentLinkAsync(row, now, cancellationToken);
        var body = link is null ? row.Body : row.Body.Replace(CaseEffects.ConsentLinkPlaceholder, link, StringComparison.Ordinal);
        return new PaperLetter(
            letterId, Guid.Parse(row.CaseId), row.MailboxGln, row.Kind, row.PartyId, row.ChildCpr, row.PrintName ?? row.RecipientName, row.PrintAddress,
            row.Title, body, options.Value.Municipality, options.Value.Committee, now);
    }

    /// <summary>
    /// An operator printed and posted a letter of the print queue: it is sent (status <c>printed</c>, with who and when), the
    /// case's timeline says it went as paper post, and the audit log has the entry, all in one transaction. False when the
    /// letter no longer waits to be printed (someone else marked it).
    /// </summary>
    public async Task<bool> MarkPrintedAsync(Guid letterId, string actor, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(string CaseId, string Kind, string PartyId, string PartyRole)?>(
            "SELECT case_id, kind, party_id, party_role FROM letters WHERE id = @id AND status = 'print'", new { id = letterId.ToString() }, transaction);
        if (row is not { } l || await connection.ExecuteAsync(
                "UPDATE letters SET status = 'printed', sent_at = @at, status_at = @at, printed_by = @actor WHERE id = @id AND status = 'print'",
                new { at, actor, id = letterId.ToString() }, transaction) != 1)
        {
            return false;
        }

        var name = CaseEffects.LetterName(Enum.Parse<LetterKind>(l.Kind));
        await cases.AddEventAsync(connection, transaction, l.CaseId, at, "letter-printed", $"{name} til {Who(l.PartyRole)} udskrevet og sendt som papirpost", actor);
        await audit.RecordAsync(connection, transaction, new AuditEntry(actor, AuditActions.MarkLetterPrinted, $"{name} udskrevet og sendt som papirpost", l.PartyId, "letter", letterId.ToString()));
        await transaction.CommitAsync(cancellationToken);
        telemetry.LetterSent(l.Kind);
        return true;
    }

    private static string Who(string partyRole) =>
        partyRole == nameof(Core.Referrals.PartyRole.Child) ? "barnet" : "en forældremyndighedsindehaver";

    /// <summary>A delivery status from the callback or the development stand-in. Statuses only move forward; Fejlet flags the case.</summary>
    public async Task<bool> RecordAsync(PostStatus status, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var newStatus = status.Failed ? "failed" : status.Delivered ? "delivered" : "accepted";
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var l = await connection.QuerySingleOrDefaultAsync<StatusRow>(
            "SELECT case_id, kind, status FROM letters WHERE id = @id", new { id = status.MessageUuid.ToString() }, transaction);
        if (l is null)
        {
            return false;
        }

        // A paper letter never went to Digital Post: a status for it would be a stray and must not move it.
        if (l.Status is not ("print" or "printed") && (Rank(newStatus) > Rank(l.Status) || (newStatus == "failed" && l.Status != "failed")))
        {
            await connection.ExecuteAsync(
                "UPDATE letters SET status = @newStatus, status_code = @code, error_code = @error, status_at = @now, locked_until = NULL WHERE id = @id",
                new { newStatus, code = status.StatusCode, error = status.ErrorCode, now, id = status.MessageUuid.ToString() },
                transaction);
            if (status.Failed)
            {
                telemetry.LetterFailed(l.Kind);
                await FlagAsync(connection, transaction, l.CaseId, Enum.Parse<LetterKind>(l.Kind), now, status.ErrorCode ?? "Fejlet");
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task FlagAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string caseId, LetterKind kind, long now, string code)
    {
        await connection.ExecuteAsync("UPDATE cases SET flagged = 1 WHERE id = @caseId", new { caseId }, transaction);
        await cases.AddEventAsync(connection, transaction, caseId, now, "letter-failed", $"{CaseEffects.LetterName(kind)} kunne ikke leveres i Digital Post ({code}); kan sendes igen", null);
    }

    private static int Rank(string status) => status switch
    {
        "pending" => 0,
        "sending" => 1,
        "accepted" => 2,
        "delivered" => 3,
        "failed" => 3,
        _ => 0,
    };

    /// <summary>
    /// A consent letter's link, made now: a fresh token whose hash alone is stored. A letter queued before schema 0005
    /// still carries its stored link. Null for letters without an action.
    /// </summary>
    private async Task<string?> ConsentLinkAsync(LetterRow letter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (letter.ActionUrl is { } stored)
        {
            return stored;
        }

        if (letter.ActionUntil is not { } until)
        {
            return null;
        }

        var token = CaseEffects.NewToken();
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO consent_tokens (token_hash, case_id, party_id, created_at, expires_at) VALUES (@hash, @caseId, @partyId, @now, @until)",
            new { hash = CaseEffects.HashToken(token), caseId = letter.CaseId, partyId = letter.PartyId, now = now.ToUnixTimeMilliseconds(), until });
        return new Uri(options.Value.PublicBaseUrl, $"samtykke/{token}").ToString();
    }

    private MemoLetter ToMemo(LetterRow letter, string? link)
    {
        var cvr = configuration["DigitalPost:Cvr"] is { Length: 8 } c ? c : "11111111";
        var sender = configuration["DigitalPost:SenderLabel"] is { Length: > 0 } label ? label : options.Value.Municipality;
        var actions = link is { } url
            ? new[] { new MemoAction("Giv eller afslå samtykke", "SELVBETJENING", new Uri(url), End: letter.ActionUntil is { } until ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null) }
            : [];
        var body = link is null ? letter.Body : letter.Body.Replace(CaseEffects.ConsentLinkPlaceholder, link, StringComparison.Ordinal);
        return new MemoLetter(
            Guid.Parse(letter.Id),
            letter.Title,
            cvr,
            sender,
            letter.PartyId,
            DateTimeOffset.FromUnixTimeMilliseconds(letter.CreatedAt),
            [new MemoFile($"{FileName(letter.Title)}.txt", "text/plain", Encoding.UTF8.GetBytes(body))],
            actions,
            AboutCpr: letter.ChildCpr);
    }

    private static string FileName(string title) => new(title.Select(ch => char.IsLetterOrDigit(ch) || ch == '-' ? ch : ch == ' ' ? '-' : '_').ToArray());

    private sealed class PaperRow : LetterRow
    {
        public string MailboxGln { get; set; } = "";
        public string RecipientName { get; set; } = "";
        public string? PrintName { get; set; }
        public string? PrintAddress { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Letter {LetterId} ({Kind}) put in the print queue: the recipient is exempt from Digital Post")]
    private static partial void LogQueuedForPrint(ILogger logger, Guid letterId, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digital Post letter {LetterId} ({Kind}) accepted")]
    private static partial void LogSent(ILogger logger, Guid letterId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Digital Post letter {LetterId} failed on attempt {Attempt} ({ExceptionType}); marked failed: {Failed}")]
    private static partial void LogSendFailed(ILogger logger, Guid letterId, long attempt, string? exceptionType, bool failed);
}
