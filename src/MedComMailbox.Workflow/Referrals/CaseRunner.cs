using System.Data.Common;
using Dapper;
using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Referrals;
using MedComMailbox.Infrastructure.Outbox;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// Runs a command on a case: loads it, asks Core's rules what follows (the command's step), and stores the case with its
/// effects in one transaction (optimistic concurrency, retried on conflict). Used by <see cref="ConsentCommands"/>,
/// <see cref="StaffCommands"/> and <see cref="DeadlineSweep"/>.
/// </summary>
public sealed class CaseRunner(
    CaseStore cases,
    CaseEffects effects,
    Course.CourseWorkflow courses,
    IOptions<WorkflowOptions> options,
    OutboxSignal outboxSignal,
    WorkflowSignal signal,
    TimeProvider time)
{
    private readonly Lazy<ConsentPolicy> _policy = new(() => options.Value.ConsentPolicy());

    /// <summary>The consent rules a stored case is restored with (built once from the options).</summary>
    public ConsentPolicy Policy => _policy.Value;

    public delegate Task<IReadOnlyList<CaseEffect>?> CaseStep(DbConnection connection, DbTransaction transaction, CaseRow row, ReferralCase @case, DateTimeOffset now);

    /// <summary>
    /// Loads the case, runs the step, stores the case and carries out the effects in one transaction. A step returns null
    /// for "nothing to do" (rolled back, false). Conflicting writers retry.
    /// </summary>
    public async Task<bool> RunCaseAsync(Guid caseId, string? actor, CaseStep step, bool alwaysSave, CancellationToken cancellationToken)
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

                var @case = ReferralCase.Restore(CaseStore.Deserialize(row.Snapshot), Policy);
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
    public async Task CarryWithdrawalAsync(
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

            var @case = ReferralCase.Restore(CaseStore.Deserialize(row.Snapshot), Policy);
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

    public async Task<CaseRow?> LoadRowAsync(Guid caseId, CancellationToken cancellationToken)
    {
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        return await cases.GetAsync(connection, null, caseId);
    }

    internal static string Who(ReferralCase @case, string partyId) =>
        @case.Parties.FirstOrDefault(p => p.PartyId == partyId)?.Role == PartyRole.Child ? "barnet" : "en forældremyndighedsindehaver";

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
}
