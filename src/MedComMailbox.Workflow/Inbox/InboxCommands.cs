using Dapper;
using MedComMailbox.Core.People;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Configuration;
using MedComMailbox.Infrastructure.MedComSending;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.MedCom;
using MedComMailbox.MedCom.Fhir;
using MedComMailbox.MedCom.Identifiers;
using MedComMailbox.MedCom.Terminology;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Inbox;

/// <summary>Who acts, and in which mailboxes (empty = every mailbox). Every command checks the mailbox in SQL.</summary>
public sealed record StaffActor(string Name, IReadOnlySet<string> Mailboxes)
{
    public bool MayWorkIn(string mailboxGln) => Mailboxes.Count == 0 || Mailboxes.Contains(mailboxGln);
}

/// <summary>A new message to a GP (or any MedCom receiver) by location number, as staff fill it in.</summary>
public sealed record NewMessageForm(
    string FromMailbox,
    string? ReceiverGln,
    string? ReceiverSorId,
    string? ReceiverName,
    string? PatientCpr,
    string? PatientGivenName,
    string? PatientFamilyName,
    string? Category,
    string? Topic,
    bool Urgent,
    string? Text,
    IReadOnlyList<OutgoingAttachment> Attachments);

/// <summary>The result of a reply or a new message: the stored outbound message, or what is wrong (Danish, for the form).</summary>
public sealed record SendResult(Guid? MessageId, IReadOnlyList<string> Errors)
{
    public bool Sent => MessageId is not null;

    public static SendResult Fail(params string[] errors) => new(null, errors);
}

/// <summary>
/// What staff do in the inbox: mark read and handled (also many at once), assign to a colleague, reply in the thread,
/// write a new message. Replies and new messages go through the same outbox as every other MedCom message, so the
/// acknowledgement is tracked and the 30-minute resend applies.
/// </summary>
public sealed class InboxCommands(
    MailboxDatabase database,
    StoredMessageReader reader,
    OutboundMessages outbound,
    OutboxSignal outboxSignal,
    CaseStore cases,
    AuditLog audit,
    IOptions<MailboxOptions> mailbox,
    IOptions<WorkflowOptions> workflow,
    TimeProvider time)
{
    /// <summary>The longest text a segment may carry (MedCom's CareCommunication has no hard limit; this keeps letters readable and bounded).</summary>
    public const int MaxTextLength = 20_000;

    public async Task MarkReadAsync(Guid itemId, StaffActor actor, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await InboxStore.MarkReadAsync(connection, itemId.ToString(), actor.Mailboxes, Now(), cancellationToken);
    }

    /// <summary>Marks items handled (or back to unhandled); returns how many changed. Items of other mailboxes are left alone.</summary>
    public async Task<int> SetHandledAsync(IReadOnlyCollection<Guid> itemIds, bool handled, StaffActor actor, CancellationToken cancellationToken)
    {
        if (itemIds.Count == 0)
        {
            return 0;
        }

        var ids = itemIds.Take(500).Select(i => i.ToString()).ToArray();
        await using var connection = await database.OpenAsync(cancellationToken);
        return await InboxStore.SetHandledAsync(connection, ids, handled, actor.Name, actor.Mailboxes, Now(), cancellationToken);
    }

    /// <summary>Assigns an item to a colleague (null or empty: nobody).</summary>
    public async Task<bool> AssignAsync(Guid itemId, string? assignee, StaffActor actor, CancellationToken cancellationToken)
    {
        var to = string.IsNullOrWhiteSpace(assignee) ? null : assignee.Trim();
        if (to is { Length: > 200 })
        {
            return false;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return await InboxStore.AssignAsync(connection, itemId.ToString(), to, actor.Mailboxes, cancellationToken);
    }

    /// <summary>
    /// Replies to a received message in its own syntax and thread, marks its inbox item handled, attaches the reply to
    /// the message's case (with a timeline entry), and logs the access, all in one transaction.
    /// </summary>
    public async Task<SendResult> ReplyAsync(Guid messageId, string? text, IReadOnlyList<OutgoingAttachment> attachments, StaffActor actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return SendResult.Fail("Skriv en tekst til svaret.");
        }

        if (text.Length > MaxTextLength)
        {
            return SendResult.Fail($"Teksten er for lang (højst {MaxTextLength:N0} tegn).");
        }

        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var received = await connection.QuerySingleOrDefaultAsync<MessageRecord>("SELECT * FROM messages WHERE id = @id", new { id = messageId.ToString() }, transaction);
        if (received is null || !actor.MayWorkIn(received.MailboxGln ?? received.ReceiverGln ?? ""))
        {
            return SendResult.Fail("Beskeden findes ikke.");
        }

        if (received.Direction != MessageDirection.In || received.Status != MessageStatus.Accepted
            || received.Kind is not (nameof(MedComMessageKind.CareCommunication) or nameof(MedComMessageKind.OioXmlLetter)))
        {
            return SendResult.Fail("Der kan kun svares på modtagne korrespondancemeddelelser.");
        }

        if (received.Kind == nameof(MedComMessageKind.OioXmlLetter) && attachments.Count > 0)
        {
            return SendResult.Fail("Et svar på et OIOXML-brev (XDIS91) kan ikke have bilag.");
        }

        // A reply is built on the newest message the other side sent in this thread, whichever message of the thread
        // the user pressed reply on (MedCom's parallel-reply step): its Provenance then points at that message, and its
        // segments carry the whole conversation so far.
        if (received.ThreadId is { } threadId && received.Kind == nameof(MedComMessageKind.CareCommunication))
        {
            var newest = await connection.QueryFirstOrDefaultAsync<MessageRecord>(
                "SELECT * FROM messages WHERE thread_id = @threadId AND direction = 'in' AND status = 'accepted' AND kind = 'CareCommunication' AND mailbox_gln = @mailbox ORDER BY received_at DESC, id DESC",
                new { threadId, mailbox = received.MailboxGln }, transaction);
            if (newest is not null)
            {
                received = newest;
            }
        }

        var us = mailbox.Value.Find(received.MailboxGln) ?? throw new InvalidOperationException("The message's mailbox is no longer configured.");
        var parsed = reader.Read(received.Raw, received.ContentType).Parsed;
        OutboundDocument document;
        try
        {
            document = MedComReplies.Build(received, parsed, new SegmentDraft(text.Trim(), Author(actor, us), attachments), null, us, now);
        }
        catch (InvalidOperationException)
        {
            return SendResult.Fail("Beskeden kan ikke besvares (afsenderens adresse mangler i den modtagne besked).");
        }

        var id = await outbound.SendAsync(connection, transaction, document, us);
        if (received.Kind == nameof(MedComMessageKind.OioXmlLetter))
        {
            // XDIS91 has no element that points at the letter it answers, so the reply cannot find its thread by
            // itself: it joins the letter's thread here, where we know what it answers.
            await MessageStore.JoinThreadAsync(connection, transaction, id.ToString(), received);
        }

        await InboxStore.HandledByReplyAsync(connection, transaction, [messageId.ToString(), received.Id], actor.Name, now.ToUnixTimeMilliseconds());
        var caseId = await connection.QueryFirstOrDefaultAsync<string>("SELECT case_id FROM case_messages WHERE message_id IN @ids", new { ids = new[] { messageId.ToString(), received.Id } }, transaction);
        if (caseId is not null)
        {
            await cases.AttachMessageAsync(connection, transaction, caseId, id.ToString(), "reply", now.ToUnixTimeMilliseconds());
            await cases.AddEventAsync(connection, transaction, caseId, now.ToUnixTimeMilliseconds(), "gp-message", "Svar sendt til afsenderen fra indbakken", actor.Name);
        }

        await audit.RecordAsync(connection, transaction, new AuditEntry(actor.Name, AuditActions.ReplyMessage, "Svar på korrespondance", received.PatientCpr, "message", received.Id));
        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify();
        return new SendResult(id, []);
    }

    /// <summary>Writes a new CareCommunication to a receiver given by location number and SOR id.</summary>
    public async Task<SendResult> WriteAsync(NewMessageForm form, StaffActor actor, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var us = mailbox.Value.Find(form.FromMailbox);
        if (us is null || !actor.MayWorkIn(form.FromMailbox))
        {
            errors.Add("Vælg den postkasse, der sender.");
        }

        if (!MedComIdentifiers.IsValidGln(form.ReceiverGln?.Trim()))
        {
            errors.Add("Modtagerens lokationsnummer skal være 13 cifre med korrekt kontrolciffer.");
        }

        if (string.IsNullOrWhiteSpace(form.ReceiverSorId) || !form.ReceiverSorId.Trim().All(char.IsAsciiDigit) || form.ReceiverSorId.Trim().Length is < 6 or > 20)
        {
            errors.Add("Modtagerens SOR-id skal være et tal (6–20 cifre).");
        }

        if (!CprNumber.TryParse(form.PatientCpr?.Replace("-", "", StringComparison.Ordinal).Trim(), out var cpr))
        {
            errors.Add("Patientens CPR-nummer er ikke gyldigt.");
        }

        if (string.IsNullOrWhiteSpace(form.PatientFamilyName))
        {
            errors.Add("Skriv patientens efternavn.");
        }

        if (!MedComTerminology.Categories.Contains(form.Category))
        {
            errors.Add("Vælg en kategori.");
        }

        if (form.Category == "other" && string.IsNullOrWhiteSpace(form.Topic))
        {
            errors.Add("Kategorien 'Andet' kræver et emne.");
        }

        if (string.IsNullOrWhiteSpace(form.Text))
        {
            errors.Add("Skriv en tekst.");
        }
        else if (form.Text.Length > MaxTextLength)
        {
            errors.Add($"Teksten er for lang (højst {MaxTextLength:N0} tegn).");
        }

        if (errors.Count > 0)
        {
            return new SendResult(null, errors);
        }

        var now = time.GetUtcNow();
        var draft = new NewCareCommunicationDraft(
            form.ReceiverGln!.Trim(), form.ReceiverSorId!.Trim(), string.IsNullOrWhiteSpace(form.ReceiverName) ? null : form.ReceiverName.Trim(),
            cpr!.Value.Value, form.PatientGivenName?.Trim(), form.PatientFamilyName!.Trim(), form.Category!,
            string.IsNullOrWhiteSpace(form.Topic) ? null : form.Topic.Trim(), form.Urgent ? "asap" : null,
            new SegmentDraft(form.Text!.Trim(), Author(actor, us!), form.Attachments));
        var document = MedComReplies.New(draft, us!, now);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await outbound.SendAsync(connection, transaction, document, us!);
        await audit.RecordAsync(connection, transaction, new AuditEntry(actor.Name, AuditActions.WriteMessage, "Ny korrespondance til sundhedsfaglig modtager", cpr.Value.Value, "message", id.ToString()));
        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify();
        return new SendResult(id, []);
    }

    /// <summary>The staff member as the segment's author: their name, the mailbox as the role, the unit's phone.</summary>
    private SegmentAuthor Author(StaffActor actor, MailboxIdentity us)
    {
        var name = actor.Name.Trim();
        var split = name.LastIndexOf(' ');
        var (given, family) = split > 0 ? (name[..split], name[(split + 1)..]) : (name, us.Name);
        return new SegmentAuthor(given, family, null, us.Name, workflow.Value.Signature.Phone);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
