using MedComMailbox.Core.Committee;
using MedComMailbox.Core.Referrals;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// The staff's commands on a case: the committee's decision (previewed, then recorded with its letters and the start
/// of the child's course), closing a case, and resending a letter that failed.
/// </summary>
public sealed class StaffCommands(
    CaseStore cases, CaseEffects effects, Course.CourseWorkflow courses, CaseRunner runner, WorkflowSignal signal, TimeProvider time)
{
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
        var @case = ReferralCase.Restore(CaseStore.Deserialize(row.Snapshot), runner.Policy);
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

        return runner.RunCaseAsync(caseId, staffUser, async (connection, transaction, row, @case, now) =>
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

        return runner.RunCaseAsync(caseId, staffUser, async (connection, transaction, row, @case, now) =>
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
}
