using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using MedComMailbox.Contracts;
using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Letters;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.MedComSending;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.OioXml;
using Microsoft.Extensions.Options;

using MedComMailbox.Workflow.Inbox;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// Carries out what a case asks for, inside the caller's transaction: MedCom replies to the GP (through the outbox,
/// with acknowledgement tracking), Digital Post letters (rows the letter dispatcher sends), deadline rows, agenda
/// changes and bus events. Nothing here talks to the network, so the case and its effects commit together or not at all.
/// </summary>
public sealed class CaseEffects(
    CaseStore cases,
    OutboxStore outbox,
    OutboundMessages outbound,
    StoredMessageReader reader,
    IOptions<MailboxOptions> mailbox,
    IOptions<WorkflowOptions> options,
    LetterTemplates templates,
    WorkflowSignal signal)
{
    private CaseLetters? _letters;

    /// <summary>The texts of the letters and GP messages (stateless: templates and options only).</summary>
    private CaseLetters Letters => _letters ??= new(options, templates);

    public async Task ApplyAsync(
        DbConnection connection,
        DbTransaction transaction,
        CaseRow row,
        ReferralCase @case,
        IReadOnlyList<CaseEffect> effects,
        DateTimeOffset now,
        string? actor,
        IReadOnlyDictionary<LetterKind, PreparedOutbound>? prepared = null)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var wakeSweep = false;
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case SendGpMessage gp when prepared is not null && prepared.TryGetValue(gp.Letter, out var ready):
                    await StoreGpMessageAsync(connection, transaction, row, gp.Letter, ready, now);
                    break;

                case SendGpMessage gp:
                    await SendGpMessageAsync(connection, transaction, row, @case, gp.Letter, now);
                    break;

                case SendDigitalPost post:
                    await QueueLetterAsync(connection, transaction, row, @case, post.Letter, post.PartyId, now);
                    wakeSweep = true;
                    break;

                case ScheduleDeadline deadline:
                    // The rules act strictly after a deadline: the row comes due one second later.
                    await DeadlineStore.AddAsync(connection, transaction, row.Id, deadline.Kind.ToString(), deadline.DueAt.AddSeconds(1).ToUnixTimeMilliseconds());
                    break;

                case RecheckCustody:
                    await DeadlineStore.AddAsync(connection, transaction, row.Id, DeadlineKinds.CustodyRecheck, nowMs);
                    await cases.AddEventAsync(connection, transaction, row.Id, nowMs, "consent-complete", "Alle samtykker er givet; forældremyndigheden kontrolleres igen", actor);
                    wakeSweep = true;
                    break;

                case PlacedOnAgenda placed:
                    // The queue's own guard: nothing reaches the committee without complete, unexpired, unwithdrawn consent.
                    if (!@case.MayGoToCommittee(now))
                    {
                        throw new InvalidOperationException("A case without complete, valid consent was about to go on the agenda.");
                    }

                    row.MeetingAt = placed.Placement.Meeting.ToUnixTimeMilliseconds();
                    await cases.AddEventAsync(connection, transaction, row.Id, nowMs, "agenda",
                        $"Sat på dagsordenen for udvalgsmødet {Format(placed.Placement.Meeting)} (senest {placed.Placement.LatestAllowed.ToString("d. MMMM yyyy", CaseLetters.Danish)})", actor);
                    await outbox.PublishLaterAsync(connection, transaction, row.Id,
                        new ReferralReadyForCommittee(Guid.Parse(row.Id), row.MailboxGln, placed.Placement.Meeting, placed.Placement.LatestAllowed,
                            placed.Placement.WithinDeadline, @case.ConsentCompletedAt ?? now, now),
                        nowMs);
                    break;

                case RemovedFromAgenda:
                    row.MeetingAt = null;
                    await cases.AddEventAsync(connection, transaction, row.Id, nowMs, "agenda", "Taget af dagsordenen", actor);
                    break;

                case FlagForOperator flag:
                    row.Flagged = true;
                    await cases.AddEventAsync(connection, transaction, row.Id, nowMs, "flag", CaseReasons.FlagText(flag.Reason), actor);
                    break;
            }
        }

        if (wakeSweep)
        {
            signal.Notify();
        }
    }

    /// <summary>
    /// A meeting of the child's course is planned: a MedCom message to the GP in the referral's thread and a Digital Post
    /// letter to every party, with the meeting's values (<see cref="LetterKind.CourseMeeting"/>).
    /// </summary>
    public async Task TellCourseMeetingAsync(
        DbConnection connection, DbTransaction transaction, CaseRow row, ReferralCase @case, IReadOnlyDictionary<string, string> meeting, DateTimeOffset now)
    {
        await SendGpMessageAsync(connection, transaction, row, @case, LetterKind.CourseMeeting, now, meeting);
        foreach (var party in @case.Parties)
        {
            await QueueLetterAsync(connection, transaction, row, @case, LetterKind.CourseMeeting, party.PartyId, now, meeting);
        }

        signal.Notify();
    }

    /// <summary>
    /// A new CareCommunication to a responsible party's location number (the hand-over or the stop of the course),
    /// stored in the caller's transaction on the outbound path (VANS outbound folder, acknowledgement watch) and attached
    /// to the case as role <paramref name="role"/>.
    /// </summary>
    public async Task SendToResponsiblePartyAsync(
        DbConnection connection, DbTransaction transaction, CaseRow row, string gln, string sorId, string partyName, string topic, string text, string role, DateTimeOffset now)
    {
        var us = mailbox.Value.Find(row.MailboxGln) ?? throw new InvalidOperationException("The case's mailbox is no longer configured.");
        var signature = options.Value.Signature;
        var author = new SegmentAuthor(signature.GivenName, signature.FamilyName, null, options.Value.Committee, signature.Phone);
        var name = row.ChildName.Trim();
        var split = name.LastIndexOf(' ');
        var (given, family) = split > 0 ? (name[..split], name[(split + 1)..]) : ((string?)null, name);
        var draft = new NewCareCommunicationDraft(gln, sorId, partyName, row.ChildCpr, given, family, "other", topic, null, new SegmentDraft(text, author));
        var id = await outbound.StoreAsync(connection, transaction, outbound.Prepare(MedComReplies.New(draft, us, now), us));
        await cases.AttachMessageAsync(connection, transaction, row.Id, id.ToString(), role, now.ToUnixTimeMilliseconds());
    }

    /// <summary>Tells other systems that the case left the workflow.</summary>
    public Task PublishClosedAsync(DbConnection connection, DbTransaction transaction, CaseRow row, ReferralCase @case, DateTimeOffset now) =>
        outbox.PublishLaterAsync(connection, transaction, row.Id,
            new ReferralClosed(Guid.Parse(row.Id), row.MailboxGln, @case.State.ToString(), @case.ClosedReason, now), now.ToUnixTimeMilliseconds());

    /// <summary>Copies the case's state into the row's columns (after the rules ran, before saving).</summary>
    public static void Refresh(CaseRow row, ReferralCase @case, DateTimeOffset now)
    {
        row.State = @case.State.ToString();
        row.ConsentDeadline = @case.ConsentDeadline.ToUnixTimeMilliseconds();
        row.ConsentCompletedAt = @case.ConsentCompletedAt?.ToUnixTimeMilliseconds();
        row.ClosedReason = @case.ClosedReason;
        row.HandledAt = @case.HandledAt?.ToUnixTimeMilliseconds();
        if (!@case.IsOpen && row.ClosedAt is null)
        {
            row.ClosedAt = now.ToUnixTimeMilliseconds();
            row.MeetingAt = @case.State == CaseState.Decided ? row.MeetingAt : null;
        }

        row.Snapshot = CaseStore.Serialize(@case.ToSnapshot());
    }

    /// <summary>
    /// The MedCom messages to the GP that <paramref name="effects"/> ask for, built before the caller's write transaction
    /// (template, FHIR/OIOXML build, read-back, envelope: all CPU), from the referral the caller has already read.
    /// </summary>
    public async Task<IReadOnlyDictionary<LetterKind, PreparedOutbound>> PrepareGpMessagesAsync(
        CaseRow row, ReferralCase @case, IReadOnlyList<CaseEffect> effects, MessageRecord referral, object? parsedReferral, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var prepared = new Dictionary<LetterKind, PreparedOutbound>();
        var kinds = effects.OfType<SendGpMessage>().Select(e => e.Letter).Distinct().ToList();
        if (kinds.Count == 0)
        {
            return prepared;
        }

        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        foreach (var kind in kinds)
        {
            var (document, us) = await BuildGpMessageAsync(connection, null, row, @case, kind, referral, parsedReferral, now, null);
            prepared[kind] = outbound.Prepare(document, us);
        }

        return prepared;
    }

    private async Task SendGpMessageAsync(
        DbConnection connection, DbTransaction transaction, CaseRow row, ReferralCase @case, LetterKind kind, DateTimeOffset now, IReadOnlyDictionary<string, string>? extra = null)
    {
        // Read in the case's own transaction: another connection could wait on this one's locks (SQL Server).
        var referral = await connection.QuerySingleOrDefaultAsync<MessageRecord>("SELECT * FROM messages WHERE id = @id", new { id = row.ReferralMessageId }, transaction)
            ?? throw new InvalidOperationException("The referral of the case is missing.");
        var (document, us) = await BuildGpMessageAsync(connection, transaction, row, @case, kind, referral, reader.Read(referral.Raw, referral.ContentType).Parsed, now, extra);
        await StoreGpMessageAsync(connection, transaction, row, kind, outbound.Prepare(document, us), now);
    }

    private async Task<(OutboundDocument Document, MailboxIdentity Us)> BuildGpMessageAsync(
        DbConnection connection, DbTransaction? transaction, CaseRow row, ReferralCase @case, LetterKind kind, MessageRecord referral, object? parsedReferral,
        DateTimeOffset now, IReadOnlyDictionary<string, string>? extra)
    {
        var (template, text) = await Letters.GpTextAsync(connection, transaction, row, @case, kind, extra);
        var us = mailbox.Value.Find(row.MailboxGln) ?? throw new InvalidOperationException("The case's mailbox is no longer configured.");
        var signature = options.Value.Signature;
        var author = new SegmentAuthor(signature.GivenName, signature.FamilyName, null, options.Value.Committee, signature.Phone);
        return (MedComReplies.Build(referral, parsedReferral, new SegmentDraft(text, author), template.Title, us, now), us);
    }

    private async Task StoreGpMessageAsync(DbConnection connection, DbTransaction transaction, CaseRow row, LetterKind kind, PreparedOutbound prepared, DateTimeOffset now)
    {
        var id = await outbound.StoreAsync(connection, transaction, prepared);
        await cases.AttachMessageAsync(connection, transaction, row.Id, id.ToString(), kind.ToString(), now.ToUnixTimeMilliseconds());
        await cases.AddEventAsync(connection, transaction, row.Id, now.ToUnixTimeMilliseconds(), "gp-message", $"{LetterName(kind)} sendt til lægen som MedCom-svar", null);
    }

    private async Task QueueLetterAsync(
        DbConnection connection, DbTransaction transaction, CaseRow row, ReferralCase @case, LetterKind kind, string partyId, DateTimeOffset now, IReadOnlyDictionary<string, string>? extra = null)
    {
        var party = @case.Parties.FirstOrDefault(p => p.PartyId == partyId);
        var (template, recipientName, body, actionUntil) = await Letters.PartyLetterAsync(connection, transaction, row, @case, kind, partyId, extra);
        var letter = new QueuedLetter(
            Guid.NewGuid().ToString(), row.Id, kind.ToString(), partyId, (party?.Role ?? PartyRole.CustodyHolder).ToString(), recipientName, template.Title, body, actionUntil);
        await LetterStore.QueueAsync(connection, transaction, letter, now.ToUnixTimeMilliseconds());
        var who = party?.Role == PartyRole.Child ? "barnet" : "en forældremyndighedsindehaver";
        await cases.AddEventAsync(connection, transaction, row.Id, now.ToUnixTimeMilliseconds(), "letter", $"{LetterName(kind)} til {who} lagt i kø til Digital Post", null);
    }

    /// <summary>The letters <paramref name="effects"/> ask for, rendered without storing or sending anything (<see cref="CaseLetters.RenderAsync"/>).</summary>
    public Task<IReadOnlyList<RenderedLetter>> RenderAsync(
        DbConnection connection, DbTransaction? transaction, CaseRow row, ReferralCase @case, IReadOnlyList<CaseEffect> effects) =>
        Letters.RenderAsync(connection, transaction, row, @case, effects);

    /// <summary>Stands for the consent link in a queued letter's body until the letter is sent.</summary>
    public const string ConsentLinkPlaceholder = "{{consentLink}}";

    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A time as Danes read it in letters (<see cref="CaseLetters.Format"/>).</summary>
    public static string Format(DateTimeOffset instant) => CaseLetters.Format(instant);

    /// <summary>A letter kind's Danish name in the case's history (<see cref="CaseLetters.LetterName"/>).</summary>
    public static string LetterName(LetterKind kind) => CaseLetters.LetterName(kind);
}
