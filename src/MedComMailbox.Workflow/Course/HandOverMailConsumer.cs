using MassTransit;
using MedComMailbox.Contracts;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Workflow.Inbox;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Course;

/// <summary>
/// Sends the e-mail that tells a responsible party of a hand-over or a stopped course (<see cref="ResponsiblePartyNotificationDue"/>,
/// published through the outbox by <see cref="CourseWorkflow"/>). The mail carries no personal data: the party's name,
/// the committee and a link to the case, which needs staff sign-in. Once per notification (the consumers' ledger); the
/// timeline says "sendt" only after the mail server took it. After the last retry the case is flagged, so a failed
/// notification shows on the case and in the operations overview instead of vanishing, and the event goes to the error queue.
/// </summary>
public sealed partial class HandOverMailConsumer(
    CaseStore cases, AuditLog audit, HandOverMailer mailer, IOptions<WorkflowOptions> options, TimeProvider time, ILogger<HandOverMailConsumer> logger)
    : IConsumer<ResponsiblePartyNotificationDue>
{
    public const string Name = "hand-over-mail";
    public const string HandOver = "HandOver";
    public const string Stop = "Stop";

    public async Task Consume(ConsumeContext<ResponsiblePartyNotificationDue> context)
    {
        var due = context.Message;
        var key = due.NotificationId.ToString();
        var cancellationToken = context.CancellationToken;
        await using (var check = await cases.Database.OpenAsync(cancellationToken))
        {
            if (await InboxStore.WasConsumedAsync(check, null, Name, key))
            {
                return;
            }
        }

        var party = options.Value.Course.ResponsibleParties.FirstOrDefault(p => string.Equals(p.Name, due.ResponsibleParty, StringComparison.OrdinalIgnoreCase));
        var email = party?.Email;
        var (subject, body) = Text(due, options.Value);
        string? failure = null;
        if (email is { Length: > 0 })
        {
            try
            {
                await mailer.SendAsync(email, subject, body, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && context.GetRetryAttempt() >= HandOverMailConsumerDefinition.Intervals.Length)
            {
                LogFailed(logger, due.CaseId, due.ResponsibleParty, e.GetType().Name);
                await FlagAsync(due, email, cancellationToken);
                throw;
            }
        }
        else
        {
            // The party lost its address in the settings after the decision: nothing to send; say so on the case.
            failure = $"{due.ResponsibleParty} har ingen e-mailadresse i indstillingerne (Workflow:Course:ResponsibleParties); giv besked på anden vis";
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await InboxStore.WasConsumedAsync(connection, transaction, Name, key))
        {
            return;
        }

        await InboxStore.RecordConsumedAsync(connection, transaction, Name, key, now);
        var caseRow = await cases.GetAsync(connection, transaction, due.CaseId);
        if (caseRow is not null)
        {
            if (failure is not null)
            {
                await cases.FlagAsync(connection, transaction, caseRow.Id);
                await cases.AddEventAsync(connection, transaction, caseRow.Id, now, "flag", failure, null);
            }
            else
            {
                var what = due.Kind == Stop ? "Besked om standset forløb sendt til" : "Overdragelse sendt til";
                await cases.AddEventAsync(connection, transaction, caseRow.Id, now, "course", $"{what} {due.ResponsibleParty} via e-mail ({email})", null);
                await audit.RecordAsync(connection, transaction, new AuditEntry("Systemet", AuditActions.NotifyResponsibleParty,
                    $"E-mail til indsatsansvarlig ({(due.Kind == Stop ? "standset forløb" : "overdragelse")}): {due.ResponsibleParty}", caseRow.ChildCpr, "case", caseRow.Id));
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The mail's subject and text: the party, the committee and the link; no CPR, no name, no health text.</summary>
    public static (string Subject, string Body) Text(ResponsiblePartyNotificationDue due, WorkflowOptions options)
    {
        var committee = options.Committee;
        var link = $"{options.PublicBaseUrl.ToString().TrimEnd('/')}/sager/{due.CaseId}";
        const string Footer = "\n\nLinket kræver, at du er logget ind som medarbejder. Denne e-mail indeholder ingen personoplysninger; læs sagen i postkassen.\n";
        return due.Kind == Stop
            ? ($"Sagen er standset ({committee})",
                $"Sagen, der blev overdraget til {due.ResponsibleParty} fra {committee}, er standset, fordi samtykket ikke længere gælder. Se sagen: {link}{Footer}")
            : ($"En ny sag er overdraget til {due.ResponsibleParty}",
                $"En ny sag er overdraget til {due.ResponsibleParty} fra {committee}. Se sagen: {link}{Footer}");
    }

    private async Task FlagAsync(ResponsiblePartyNotificationDue due, string email, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await cases.GetAsync(connection, transaction, due.CaseId) is { } caseRow)
        {
            await cases.FlagAsync(connection, transaction, caseRow.Id);
            await cases.AddEventAsync(connection, transaction, caseRow.Id, now, "flag",
                $"E-mailen til {due.ResponsibleParty} ({email}) om {(due.Kind == Stop ? "det standsede forløb" : "overdragelsen")} kunne ikke sendes: giv besked på anden vis, eller ret Workflow:Email", null);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The e-mail to responsible party {Party} for case {CaseId} failed after the retries ({Error}); the case is flagged")]
    private static partial void LogFailed(ILogger logger, Guid caseId, string party, string error);
}

/// <summary>Retry policy beside the consumer: tries spread over about a minute, then the case is flagged and the event goes to the error queue.</summary>
public sealed class HandOverMailConsumerDefinition : ConsumerDefinition<HandOverMailConsumer>
{
    public static readonly TimeSpan[] Intervals = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(45)];

    public HandOverMailConsumerDefinition() => EndpointName = "medcom-hand-over-mail";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<HandOverMailConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(Intervals));
    }
}
