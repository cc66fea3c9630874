using MedComMailbox.Core.Consent;
using MedComMailbox.Core.Referrals;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// Consent answers: the consent page's invitation and answer (by the single-use link of a letter, for the signed-in
/// person only), and an answer a member of staff registers (paper, refusal, withdrawal; a withdrawal carries to the
/// cases that share the consent).
/// </summary>
public sealed class ConsentCommands(CaseStore cases, CaseRunner runner, IOptions<WorkflowOptions> options, TimeProvider time)
{
    public async Task<ConsentInvitation?> FindInvitationAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await cases.Database.OpenAsync(cancellationToken);
        var found = await ConsentTokenStore.FindUnusedAsync(connection, token, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (found is null)
        {
            return null;
        }

        var row = await cases.GetAsync(connection, null, Guid.Parse(found.CaseId));
        if (row is null)
        {
            return null;
        }

        var @case = ReferralCase.Restore(CaseStore.Deserialize(row.Snapshot), runner.Policy);
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
        ConsentTokenStore.TokenRow? found;
        await using (var connection = await cases.Database.OpenAsync(cancellationToken))
        {
            found = await ConsentTokenStore.FindUnusedAsync(connection, token, time.GetUtcNow().ToUnixTimeMilliseconds());
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
        await runner.RunCaseAsync(Guid.Parse(found.CaseId), null, async (connection, transaction, row, @case, now) =>
        {
            if (!@case.IsOpen)
            {
                outcome = ConsentPageOutcome.CaseClosed;
                return null;
            }

            // Single use: the link, and every other link of this person in this case, is spent inside the same transaction.
            var spent = await ConsentTokenStore.SpendAsync(connection, transaction, found.TokenHash, now);
            if (spent != 1 || @case.Parties.All(p => p.PartyId != found.PartyId))
            {
                outcome = ConsentPageOutcome.LinkInvalid;
                return null;
            }

            await ConsentTokenStore.SpendForPartyAsync(connection, transaction, row.Id, found.PartyId, now);
            var answer = give ? ConsentAnswer.Given : ConsentAnswer.Refused;
            var result = @case.RecordConsent(found.PartyId, answer, now);
            await cases.AddEventAsync(connection, transaction, row.Id, now.ToUnixTimeMilliseconds(), "consent",
                $"{(give ? "Samtykke givet" : "Samtykke afslået")} af {CaseRunner.Who(@case, found.PartyId)} på samtykkesiden", null);
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

        return await runner.RunCaseAsync(caseId, staffUser, async (connection, transaction, row, @case, now) =>
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

            await ConsentTokenStore.SpendForPartyAsync(connection, transaction, row.Id, partyId, now);
            var what = answer switch
            {
                ConsentAnswer.Given => "Papirsamtykke registreret",
                ConsentAnswer.Refused => "Afslag på samtykke registreret",
                _ => "Tilbagetrækning af samtykke registreret",
            };
            await cases.AddEventAsync(connection, transaction, row.Id, now.ToUnixTimeMilliseconds(), "consent", $"{what} for {CaseRunner.Who(@case, partyId)}", staffUser);
            if (before.Answer == ConsentAnswer.Given && after.Answer is ConsentAnswer.Withdrawn or ConsentAnswer.Refused)
            {
                // A given consent is revoked: the cases that share it stop too (a refusal of a consent never given cannot have been joined).
                await runner.CarryWithdrawalAsync(connection, transaction, row, before, now, staffUser);
            }

            return result;
        }, alwaysSave: false, cancellationToken);
    }

    private static string Digits(string text) => new(text.Where(char.IsAsciiDigit).ToArray());
}
