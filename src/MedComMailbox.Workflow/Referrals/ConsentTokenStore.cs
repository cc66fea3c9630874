using System.Data.Common;
using Dapper;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>
/// The one writer of <c>consent_tokens</c>: the single-use links of the consent letters (only their hash is stored), made
/// when a letter is sent, spent on an answer, deleted with their case by the retention.
/// </summary>
public static class ConsentTokenStore
{
    public sealed record TokenRow(string TokenHash, string CaseId, string PartyId, long ExpiresAt);

    /// <summary>The unused, unexpired link with this token; null for anything else (also for a token that cannot be one).</summary>
    public static async Task<TokenRow?> FindUnusedAsync(DbConnection connection, string token, long now)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return null;
        }

        return await connection.QuerySingleOrDefaultAsync<TokenRow>(
            "SELECT token_hash, case_id, party_id, expires_at FROM consent_tokens WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now",
            new { hash = CaseEffects.HashToken(token), now });
    }

    public static Task InsertAsync(DbConnection connection, string hash, string caseId, string partyId, long now, long until) =>
        connection.ExecuteAsync(
            "INSERT INTO consent_tokens (token_hash, case_id, party_id, created_at, expires_at) VALUES (@hash, @caseId, @partyId, @now, @until)",
            new { hash, caseId, partyId, now, until });

    /// <summary>Spends one link; 1 when it was still unused and unexpired.</summary>
    public static Task<int> SpendAsync(DbConnection connection, DbTransaction transaction, string tokenHash, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "UPDATE consent_tokens SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now",
            new { now = now.ToUnixTimeMilliseconds(), hash = tokenHash }, transaction);

    /// <summary>Spends every unused link of a party in a case (an answer was recorded, by the page or by staff).</summary>
    public static async Task SpendForPartyAsync(DbConnection connection, DbTransaction transaction, string caseId, string partyId, DateTimeOffset now) =>
        await connection.ExecuteAsync(
            "UPDATE consent_tokens SET used_at = @now WHERE case_id = @caseId AND party_id = @partyId AND used_at IS NULL",
            new { now = now.ToUnixTimeMilliseconds(), caseId, partyId }, transaction);

    /// <summary>The retention: the links of deleted cases.</summary>
    public static Task DeleteForCasesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> caseIds) =>
        connection.ExecuteAsync("DELETE FROM consent_tokens WHERE case_id IN @ids", new { ids = caseIds }, transaction);
}
