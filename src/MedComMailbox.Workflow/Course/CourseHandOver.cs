using System.Data.Common;
using MedComMailbox.Contracts;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Outbox;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Course;

/// <summary>
/// Telling the responsible party (<c>Workflow:Course:ResponsibleParties</c>): at the decision the case is handed over, when
/// consent ends the party hears the course stopped. By e-mail (an outbox event <see cref="HandOverMailConsumer"/> sends)
/// and/or by MedCom to the party's location number, inside the case's own transaction; the timeline says which.
/// </summary>
public sealed class CourseHandOver(CaseStore cases, CaseEffects caseEffects, OutboxStore outbox, IOptions<WorkflowOptions> options)
{
    /// <summary>The decision hands the case over; <paramref name="startBy"/> is the start meeting's deadline.</summary>
    public async Task HandOverAsync(DbConnection connection, DbTransaction transaction, CaseRow caseRow, CommitteeDecision decision, DateOnly startBy, string? actor, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var party = options.Value.Course.ResponsibleParties.FirstOrDefault(p => string.Equals(p.Name, decision.ResponsibleParty, StringComparison.OrdinalIgnoreCase));
        var channel = Channel(decision.ResponsibleParty);
        await cases.AddEventAsync(connection, transaction, caseRow.Id, nowMs, "course",
            $"Sagen er overdraget til {decision.ResponsibleParty}{(party?.Contact is { Length: > 0 } c ? $" ({c})" : "")}; besked: {channel}; opstartsmødet skal holdes senest {CourseWorkflow.Day(startBy)}", actor);
        await NotifyAsync(connection, transaction, caseRow, decision.ResponsibleParty, HandOverMailConsumer.HandOver, now);
        if (party is { Gln: { Length: > 0 } gln, SorId: { Length: > 0 } sor })
        {
            var text = $"{Committee} har overdraget barnets forløb til {party.Name}.\n\nAfgørelse: {decision.Outcome}\n{decision.Summary}\n\n" +
                $"Opstartsmødet skal holdes senest {CourseWorkflow.Day(startBy)}. Se sagen: {CaseLink(caseRow.Id)}";
            await caseEffects.SendToResponsiblePartyAsync(connection, transaction, caseRow, gln, sor, party.Name, "Overdragelse fra koordinationsudvalget", text, "HandOver", now);
            await cases.AddEventAsync(connection, transaction, caseRow.Id, nowMs, "course", $"Overdragelse sendt til {party.Name} som MedCom-besked (lokationsnummer {gln})", actor);
        }
    }

    /// <summary>The course stopped because consent ended (<paramref name="why"/>, in Danish): the party is told as at the hand-over.</summary>
    public async Task TellStoppedAsync(DbConnection connection, DbTransaction transaction, CaseRow caseRow, string responsibleParty, string why, string? actor, DateTimeOffset now)
    {
        await cases.AddEventAsync(connection, transaction, caseRow.Id, now.ToUnixTimeMilliseconds(), "course",
            $"Forløbet er standset, fordi {why}; besked til {responsibleParty}: {Channel(responsibleParty)}", actor);
        await NotifyAsync(connection, transaction, caseRow, responsibleParty, HandOverMailConsumer.Stop, now);
        if (Party(responsibleParty) is { Gln: { Length: > 0 } gln, SorId: { Length: > 0 } sor } party)
        {
            await caseEffects.SendToResponsiblePartyAsync(connection, transaction, caseRow, gln, sor, party.Name, "Forløbet er standset",
                $"Forløbet, som {Committee} overdrog til {party.Name}, er standset, fordi {why}. Se sagen: {CaseLink(caseRow.Id)}", "CourseStopped", now);
            await cases.AddEventAsync(connection, transaction, caseRow.Id, now.ToUnixTimeMilliseconds(), "course",
                $"Besked om standset forløb sendt til {party.Name} som MedCom-besked (lokationsnummer {gln})", actor);
        }
    }

    /// <summary>How the party hears of it, as the timeline says it at the decision: "sendt" is written only when it is sent.</summary>
    private string Channel(string responsibleParty)
    {
        var party = Party(responsibleParty);
        var ways = new List<string>();
        if (party?.Email is { Length: > 0 } email)
        {
            ways.Add($"e-mail med link til sagen sendes til {email}");
        }

        if (party?.Gln is { Length: > 0 } gln)
        {
            ways.Add($"MedCom-besked til lokationsnummer {gln}");
        }

        return ways.Count == 0 ? "via udvalgets referat" : string.Join(" og ", ways);
    }

    private string Committee => options.Value.Committee;

    private string CaseLink(string caseId) => $"{options.Value.PublicBaseUrl.ToString().TrimEnd('/')}/sager/{caseId}";

    private WorkflowOptions.ResponsiblePartyOptions? Party(string responsibleParty) =>
        options.Value.Course.ResponsibleParties.FirstOrDefault(p => string.Equals(p.Name, responsibleParty, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A party with an e-mail address is told by <see cref="HandOverMailConsumer"/>: the event goes into the outbox in
    /// this transaction, so the notification is sent even when the process stops right after the commit.
    /// </summary>
    private async Task NotifyAsync(DbConnection connection, DbTransaction transaction, CaseRow caseRow, string responsibleParty, string kind, DateTimeOffset now)
    {
        if (Party(responsibleParty)?.Email is not { Length: > 0 })
        {
            return;
        }

        var id = Guid.NewGuid();
        await outbox.PublishLaterAsync(connection, transaction, id.ToString(),
            new ResponsiblePartyNotificationDue(id, Guid.Parse(caseRow.Id), caseRow.MailboxGln, responsibleParty, kind, now), now.ToUnixTimeMilliseconds());
    }
}
