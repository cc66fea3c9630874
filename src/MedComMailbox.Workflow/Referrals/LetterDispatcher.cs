using System.Text;
using Dapper;
using MedComMailbox.Core.Letters;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Cpr;
using MedComMailbox.Infrastructure.Hosting;
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
/// printed and sent (<c>printed</c>). The statements are <see cref="LetterStore"/>'s.
/// </summary>
public sealed partial class LetterDispatcher(
    CaseStore cases,
    LetterStore letters,
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

    private Task<List<LetterRow>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return letters.ClaimDueAsync(now, now + (long)Lease.TotalMilliseconds, 20, cancellationToken);
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

            await letters.MarkAcceptedAsync(letter.Id, result.TransmissionId, now.ToUnixTimeMilliseconds());
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
            await LetterStore.MarkAttemptFailedAsync(
                connection, transaction, letter.Id, failed, now.Add(delay).ToUnixTimeMilliseconds(), permanent ? "memo.invalid" : e.GetType().Name, now.ToUnixTimeMilliseconds());
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
        if (await LetterStore.QueueForPrintAsync(connection, transaction, letter.Id, person.Name, person.Address, at))
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
        var row = await letters.WaitingForPrintAsync(letterId, cancellationToken);
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
        if (await LetterStore.MarkPrintedAsync(connection, transaction, letterId, actor, at) is not { } l)
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
        var l = await LetterStore.StatusAsync(connection, transaction, status.MessageUuid);
        if (l is null)
        {
            return false;
        }

        // A paper letter never went to Digital Post: a status for it would be a stray and must not move it.
        if (l.Status is not ("print" or "printed") && (Rank(newStatus) > Rank(l.Status) || (newStatus == "failed" && l.Status != "failed")))
        {
            await LetterStore.RecordStatusAsync(connection, transaction, status.MessageUuid, newStatus, status.StatusCode, status.ErrorCode, now);
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
        await cases.FlagAsync(connection, transaction, caseId);
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
        await ConsentTokenStore.InsertAsync(connection, CaseEffects.HashToken(token), letter.CaseId, letter.PartyId, now.ToUnixTimeMilliseconds(), until);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Letter {LetterId} ({Kind}) put in the print queue: the recipient is exempt from Digital Post")]
    private static partial void LogQueuedForPrint(ILogger logger, Guid letterId, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digital Post letter {LetterId} ({Kind}) accepted")]
    private static partial void LogSent(ILogger logger, Guid letterId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Digital Post letter {LetterId} failed on attempt {Attempt} ({ExceptionType}); marked failed: {Failed}")]
    private static partial void LogSendFailed(ILogger logger, Guid letterId, long attempt, string? exceptionType, bool failed);
}
