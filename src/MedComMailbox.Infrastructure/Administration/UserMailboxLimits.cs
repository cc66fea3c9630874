using Dapper;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace MedComMailbox.Infrastructure.Administration;

/// <summary>An administrator's limit on the mailboxes one user works in (table <c>user_mailboxes</c>). Empty = every mailbox.</summary>
public sealed record UserMailboxLimit(string UserName, IReadOnlyList<string> Mailboxes, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>
/// The administrators' mailbox limits: read through a short cache (the claims transformation asks on every request),
/// written with an audit entry in the same transaction, and the cache dropped on every write.
/// </summary>
public sealed class UserMailboxLimits(MailboxDatabase database, AuditLog audit, IMemoryCache cache, TimeProvider time)
{
    public const string SavedAction = "admin-user-mailboxes";
    public const string RemovedAction = "admin-user-mailboxes-remove";

    /// <summary>How long a process may use limits it has read (another process sees a change within this time).</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private static readonly object CacheKey = new();

    /// <summary>User names compare without case: identity providers treat them so, and SQLite and SQL Server would differ.</summary>
    public static string Normalise(string userName) => userName.Trim().ToLowerInvariant();

    public async Task<IReadOnlyDictionary<string, UserMailboxLimit>> AllAsync(CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(CacheKey, out IReadOnlyDictionary<string, UserMailboxLimit>? cached) && cached is not null)
        {
            return cached;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>("SELECT user_name, mailboxes, updated_at, updated_by FROM user_mailboxes");
        IReadOnlyDictionary<string, UserMailboxLimit> all = rows
            .Select(r => new UserMailboxLimit(r.UserName, r.Mailboxes.Split(' ', StringSplitOptions.RemoveEmptyEntries), DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt), r.UpdatedBy))
            .ToDictionary(l => l.UserName, StringComparer.Ordinal);
        cache.Set(CacheKey, all, CacheFor);
        return all;
    }

    public async Task<UserMailboxLimit?> FindAsync(string userName, CancellationToken cancellationToken) =>
        (await AllAsync(cancellationToken)).TryGetValue(Normalise(userName), out var limit) ? limit : null;

    /// <summary>Sets a user's mailboxes (empty = every mailbox). The caller has checked that each is a configured mailbox.</summary>
    public async Task SaveAsync(string userName, IReadOnlyCollection<string> mailboxes, string byUser, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            userName = Normalise(userName),
            mailboxes = string.Join(' ', mailboxes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            at = time.GetUtcNow().ToUnixTimeMilliseconds(),
            byUser,
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(
            "UPDATE user_mailboxes SET mailboxes = @mailboxes, updated_at = @at, updated_by = @byUser WHERE user_name = @userName", parameters, transaction);
        if (updated == 0)
        {
            await connection.ExecuteAsync(
                "INSERT INTO user_mailboxes (user_name, mailboxes, updated_at, updated_by) VALUES (@userName, @mailboxes, @at, @byUser)", parameters, transaction);
        }

        await audit.RecordAsync(connection, transaction, new AuditEntry(byUser, SavedAction, "Brugers postkasser ændret", null, "user", parameters.userName));
        await transaction.CommitAsync(cancellationToken);
        cache.Remove(CacheKey);
    }

    /// <summary>Removes a user's limit: the identity provider's mailbox claim applies again. False when there was none.</summary>
    public async Task<bool> RemoveAsync(string userName, string byUser, CancellationToken cancellationToken)
    {
        var name = Normalise(userName);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync("DELETE FROM user_mailboxes WHERE user_name = @name", new { name }, transaction);
        if (deleted > 0)
        {
            await audit.RecordAsync(connection, transaction, new AuditEntry(byUser, RemovedAction, "Brugers postkassebegrænsning fjernet", null, "user", name));
        }

        await transaction.CommitAsync(cancellationToken);
        cache.Remove(CacheKey);
        return deleted > 0;
    }

    private sealed class Row
    {
        public string UserName { get; set; } = "";
        public string Mailboxes { get; set; } = "";
        public long UpdatedAt { get; set; }
        public string UpdatedBy { get; set; } = "";
    }
}
