using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Storage;
using MedComMailbox.Infrastructure.Telemetry;
using MedComMailbox.Workflow.Inbox;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>One row of <c>cases</c>: the case's snapshot and the columns lists and lookups need. Personal data: never log.</summary>
public sealed class CaseRow
{
    public string Id { get; set; } = "";
    public string MailboxGln { get; set; } = "";
    public string ReferralMessageId { get; set; } = "";
    public string? ThreadId { get; set; }
    public string ChildCpr { get; set; } = "";
    public string ChildName { get; set; } = "";
    public string? GpGln { get; set; }
    public string? GpName { get; set; }
    public string State { get; set; } = "";
    public string? LinkedCaseId { get; set; }
    public long OpenedAt { get; set; }
    public long? ClosedAt { get; set; }
    public string? ClosedReason { get; set; }
    public long ConsentDeadline { get; set; }
    public long? ConsentCompletedAt { get; set; }
    public long? MeetingAt { get; set; }
    public bool Flagged { get; set; }
    /// <summary>When a person closed a case that consent stopped (schema 0010); null while it is on the "kræver handling" list.</summary>
    public long? HandledAt { get; set; }
    public string PartyNames { get; set; } = "{}";
    public string Snapshot { get; set; } = "";
    public long Version { get; set; }

    public IReadOnlyDictionary<string, string> Names() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(PartyNames, CaseStore.Json) ?? [];

    public string NameOf(string partyId) => Names().TryGetValue(partyId, out var name) ? name : partyId == ChildCpr ? ChildName : "";
}

/// <summary>The case tables: cases with optimistic concurrency, their messages and timeline (deadlines: <see cref="DeadlineStore"/>; consent links: <see cref="ConsentTokenStore"/>).</summary>
public sealed class CaseStore(MailboxDatabase database) : IConsentCounts
{
    /// <summary>The telemetry's consent gauges: cases awaiting consent, and those past their consent deadline.</summary>
    public async Task<(long Pending, long Overdue)> ConsentsAsync(long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<(long Pending, long Overdue)>(
            """
            SELECT COUNT(*) AS pending, COALESCE(SUM(CASE WHEN consent_deadline < @now THEN 1 ELSE 0 END), 0) AS overdue
            FROM cases WHERE state = 'AwaitingConsent'
            """,
            new { now });
    }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public MailboxDatabase Database => database;

    /// <summary>
    /// The retention: deleted cases with their timeline and message links (their letters, course, inbox links, deadlines
    /// and consent links are deleted by their own stores first). Returns how many cases went.
    /// </summary>
    public static async Task<int> DeleteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> caseIds)
    {
        var p = new { ids = caseIds };
        await connection.ExecuteAsync("DELETE FROM case_events WHERE case_id IN @ids", p, transaction);
        await connection.ExecuteAsync("DELETE FROM case_messages WHERE case_id IN @ids", p, transaction);
        return await connection.ExecuteAsync("DELETE FROM cases WHERE id IN @ids", p, transaction);
    }

    public static string Serialize(ReferralCaseSnapshot snapshot) => JsonSerializer.Serialize(snapshot, Json);

    public static ReferralCaseSnapshot Deserialize(string json) =>
        JsonSerializer.Deserialize<ReferralCaseSnapshot>(json, Json) ?? throw new InvalidOperationException("A stored case could not be read.");

    public Task<CaseRow?> GetAsync(DbConnection connection, DbTransaction? transaction, Guid id) =>
        connection.QuerySingleOrDefaultAsync<CaseRow>("SELECT * FROM cases WHERE id = @id", new { id = id.ToString() }, transaction);

    public Task<CaseRow?> FindByReferralAsync(DbConnection connection, DbTransaction? transaction, string messageId) =>
        connection.QuerySingleOrDefaultAsync<CaseRow>("SELECT * FROM cases WHERE referral_message_id = @messageId", new { messageId }, transaction);

    /// <summary>Cases of a child, and cases with a message in a thread: what the triage classifier chooses among.</summary>
    public async Task<IReadOnlyList<CaseRef>> CandidatesAsync(DbConnection connection, DbTransaction? transaction, string? childCpr, string? threadId)
    {
        var rows = (await connection.QueryAsync<(string Id, string ChildCpr, string State, long? ClosedAt)>(
            """
            SELECT id, child_cpr, state, closed_at FROM cases
            WHERE (@childCpr IS NOT NULL AND child_cpr = @childCpr)
               OR (@threadId IS NOT NULL AND id IN (SELECT cm.case_id FROM case_messages cm JOIN messages m ON m.id = cm.message_id WHERE m.thread_id = @threadId))
            """,
            new { childCpr, threadId },
            transaction)).AsList();
        var result = new List<CaseRef>();
        foreach (var row in rows)
        {
            var threads = (await connection.QueryAsync<string>(
                "SELECT DISTINCT m.thread_id FROM case_messages cm JOIN messages m ON m.id = cm.message_id WHERE cm.case_id = @Id AND m.thread_id IS NOT NULL",
                new { row.Id },
                transaction)).ToHashSet(StringComparer.Ordinal);
            var state = Enum.Parse<CaseState>(row.State);
            var open = state is CaseState.AwaitingConsent or CaseState.CheckingCustody or CaseState.OnAgenda;
            result.Add(new CaseRef(Guid.Parse(row.Id), row.ChildCpr, threads, open, row.ClosedAt is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : null));
        }

        return result;
    }

    public Task InsertAsync(DbConnection connection, DbTransaction transaction, CaseRow row) =>
        connection.ExecuteAsync(
            """
            INSERT INTO cases (id, mailbox_gln, referral_message_id, thread_id, child_cpr, child_name, gp_gln, gp_name, state, linked_case_id,
                               opened_at, closed_at, closed_reason, consent_deadline, consent_completed_at, meeting_at, flagged, party_names, snapshot, version, handled_at)
            VALUES (@Id, @MailboxGln, @ReferralMessageId, @ThreadId, @ChildCpr, @ChildName, @GpGln, @GpName, @State, @LinkedCaseId,
                    @OpenedAt, @ClosedAt, @ClosedReason, @ConsentDeadline, @ConsentCompletedAt, @MeetingAt, @Flagged, @PartyNames, @Snapshot, @Version, @HandledAt)
            """,
            row,
            transaction);

    /// <summary>Writes the case back; throws <see cref="CaseConcurrencyException"/> when another writer got there first.</summary>
    public async Task UpdateAsync(DbConnection connection, DbTransaction transaction, CaseRow row)
    {
        var changed = await connection.ExecuteAsync(
            """
            UPDATE cases SET state = @State, closed_at = @ClosedAt, closed_reason = @ClosedReason, consent_deadline = @ConsentDeadline,
                   consent_completed_at = @ConsentCompletedAt, meeting_at = @MeetingAt, flagged = @Flagged, party_names = @PartyNames,
                   snapshot = @Snapshot, handled_at = @HandledAt, version = version + 1
            WHERE id = @Id AND version = @Version
            """,
            row,
            transaction);
        if (changed != 1)
        {
            throw new CaseConcurrencyException();
        }

        row.Version++;
    }

    /// <summary>Attaches a message to a case; its inbox item (a received message has one) then links to the case too.</summary>
    public async Task AttachMessageAsync(DbConnection connection, DbTransaction transaction, string caseId, string messageId, string role, long now)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO case_messages (case_id, message_id, role, attached_at)
            SELECT @caseId, @messageId, @role, @now
            WHERE NOT EXISTS (SELECT 1 FROM case_messages WHERE case_id = @caseId AND message_id = @messageId)
            """,
            new { caseId, messageId, role, now },
            transaction);
        await InboxStore.LinkToCaseAsync(connection, transaction, messageId, caseId);
    }

    /// <summary>Flags the case for a person (a version step, so a concurrent command that read the row retries).</summary>
    public Task FlagAsync(DbConnection connection, DbTransaction transaction, string caseId) =>
        connection.ExecuteAsync("UPDATE cases SET flagged = 1, version = version + 1 WHERE id = @caseId", new { caseId }, transaction);

    public Task AddEventAsync(DbConnection connection, DbTransaction transaction, string caseId, long at, string kind, string text, string? actor) =>
        connection.ExecuteAsync(
            "INSERT INTO case_events (case_id, at, kind, text, actor) VALUES (@caseId, @at, @kind, @text, @actor)",
            new { caseId, at, kind, text, actor },
            transaction);
}

/// <summary>Two writers changed the same case at once; the loser's transaction rolls back and its work is retried.</summary>
public sealed class CaseConcurrencyException() : Exception("The case was changed by someone else; try again.");
