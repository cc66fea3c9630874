using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using MedComMailbox.Core.Letters;
using MedComMailbox.Infrastructure.Audit;
using MedComMailbox.Infrastructure.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedComMailbox.Workflow.Referrals;

/// <summary>Where the text a letter uses comes from, highest first.</summary>
public enum LetterTemplateSource
{
    /// <summary>An administrator's edit (table <c>letter_templates</c>).</summary>
    Database,
    /// <summary><c>Workflow:Letters:&lt;Kind&gt;</c>.</summary>
    Configuration,
    /// <summary>Core's <see cref="DefaultLetters"/>.</summary>
    Default,
}

/// <summary>The text a kind of letter uses now, where it comes from, and who last edited it (database only).</summary>
public sealed record LetterTemplateView(
    LetterKind Kind,
    string Title,
    string Text,
    LetterTemplateSource Source,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy,
    IReadOnlySet<string> Placeholders);

/// <summary>
/// The letter templates the workflow renders: an administrator's edit in <c>letter_templates</c>, else
/// <c>Workflow:Letters</c>, else Core's defaults. The workflow reads the edits through a short cache (one query per
/// <see cref="CacheFor"/>, invalidated by a save in this process; another process sees a save within that time).
/// </summary>
public sealed partial class LetterTemplates(MailboxDatabase database, AuditLog audit, IOptions<WorkflowOptions> options, TimeProvider time, ILogger<LetterTemplates> logger)
{
    /// <summary>The audit action of an edit and of a revert (no person is involved).</summary>
    public const string SavedAction = "admin-letter-template";
    public const string RevertedAction = "admin-letter-template-revert";

    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private const string SelectAll = "SELECT kind, title, text, updated_at, updated_by FROM letter_templates";

    private volatile Snapshot? _cache;

    /// <summary>The template a letter of this kind is written with now (inside the caller's connection and transaction).</summary>
    public async Task<LetterTemplate> GetAsync(DbConnection connection, DbTransaction? transaction, LetterKind kind)
    {
        var snapshot = _cache;
        if (snapshot is null || time.GetUtcNow() - snapshot.LoadedAt >= CacheFor)
        {
            // Read on the case's own connection: a second connection could wait on this transaction's locks (SQL Server).
            var rows = await connection.QueryAsync<Row>(SelectAll, transaction: transaction);
            snapshot = new Snapshot(rows.ToDictionary(r => r.Kind, StringComparer.Ordinal), time.GetUtcNow());
            _cache = snapshot;
        }

        if (snapshot.Rows.TryGetValue(kind.ToString(), out var row))
        {
            try
            {
                return LetterTemplate.Create(kind, row.Title, row.Text);
            }
            catch (Exception e) when (e is LetterTemplateException or ArgumentException)
            {
                // Saved edits are checked; this only happens when a later version supplies fewer placeholders.
                LogStoredTemplateUnusable(logger, kind);
            }
        }

        return options.Value.Template(kind);
    }

    /// <summary>Every kind of letter with the text it uses now (read fresh, for the administration page).</summary>
    public async Task<IReadOnlyList<LetterTemplateView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(SelectAll)).ToDictionary(r => r.Kind, StringComparer.Ordinal);
        return Enum.GetValues<LetterKind>().Select(kind => rows.TryGetValue(kind.ToString(), out var row)
            ? new LetterTemplateView(kind, row.Title, row.Text, LetterTemplateSource.Database, DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAt), row.UpdatedBy, LetterPlaceholders.For(kind))
            : Configured(kind)).ToList();
    }

    /// <summary>The template from configuration or the defaults: what "revert" returns to.</summary>
    public LetterTemplateView Configured(LetterKind kind)
    {
        var configured = options.Value.Letters.TryGetValue(kind, out var letter);
        var (title, text) = configured ? (letter!.Title, letter.Text) : DefaultLetters.Templates[kind];
        return new LetterTemplateView(kind, title, text, configured ? LetterTemplateSource.Configuration : LetterTemplateSource.Default, null, null, LetterPlaceholders.For(kind));
    }

    /// <summary>
    /// Why a template cannot be used, in Danish for the administrator; empty when it can. The same rules as
    /// <see cref="LetterTemplate.Create"/> (which has the last word), phrased for the page.
    /// </summary>
    public static IReadOnlyList<string> Problems(LetterKind kind, string? title, string? text)
    {
        var problems = new List<string>();
        var allowed = LetterPlaceholders.For(kind);
        if (string.IsNullOrWhiteSpace(title))
        {
            problems.Add("Skriv en titel.");
        }
        else if (Placeholder().IsMatch(title))
        {
            problems.Add("Titlen må ikke indeholde felter som {{childName}}: den vises i notifikationer og må ikke bære personoplysninger.");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add("Skriv en brevtekst.");
        }
        else
        {
            var unknown = Placeholder().Matches(text).Select(m => m.Groups[1].Value).Where(p => !allowed.Contains(p)).Distinct(StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                problems.Add($"Ukendt felt: {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))}. Dette brev kan bruge: {string.Join(", ", allowed.Order(StringComparer.Ordinal).Select(a => "{{" + a + "}}"))}.");
            }
        }

        if (problems.Count == 0)
        {
            try
            {
                LetterTemplate.Create(kind, title!, text!);
            }
            catch (Exception e) when (e is LetterTemplateException or ArgumentException)
            {
                problems.Add("Skabelonen kan ikke bruges: " + e.Message);
            }
        }

        return problems;
    }

    /// <summary>Saves an administrator's edit (and its audit entry, in one transaction); returns the problems instead when it cannot be used.</summary>
    public async Task<IReadOnlyList<string>> SaveAsync(LetterKind kind, string? title, string? text, string userName, CancellationToken cancellationToken)
    {
        title = title?.Trim();
        // Browsers post CRLF from a textarea; letters are stored with LF like the configured and default texts.
        text = text?.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        var problems = Problems(kind, title, text);
        if (problems.Count > 0)
        {
            return problems;
        }

        var parameters = new { kind = kind.ToString(), title, text, at = time.GetUtcNow().ToUnixTimeMilliseconds(), userName };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(
            "UPDATE letter_templates SET title = @title, text = @text, updated_at = @at, updated_by = @userName WHERE kind = @kind", parameters, transaction);
        if (updated == 0)
        {
            await connection.ExecuteAsync(
                "INSERT INTO letter_templates (kind, title, text, updated_at, updated_by) VALUES (@kind, @title, @text, @at, @userName)", parameters, transaction);
        }

        await AuditAsync(connection, transaction, SavedAction, "Brevskabelon ændret", kind, userName);
        await transaction.CommitAsync(cancellationToken);
        _cache = null;
        return [];
    }

    /// <summary>Removes an administrator's edit: the letter uses the configured (or default) text again. False when there was none.</summary>
    public async Task<bool> RevertAsync(LetterKind kind, string userName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync("DELETE FROM letter_templates WHERE kind = @kind", new { kind = kind.ToString() }, transaction);
        if (deleted > 0)
        {
            await AuditAsync(connection, transaction, RevertedAction, "Brevskabelon sat tilbage til konfigurationen", kind, userName);
        }

        await transaction.CommitAsync(cancellationToken);
        _cache = null;
        return deleted > 0;
    }

    private Task AuditAsync(DbConnection connection, DbTransaction transaction, string action, string purpose, LetterKind kind, string userName) =>
        audit.RecordAsync(connection, transaction, new AuditEntry(userName, action, purpose, null, "letter-template", kind.ToString()));

    private sealed record Snapshot(IReadOnlyDictionary<string, Row> Rows, DateTimeOffset LoadedAt);

    private sealed class Row
    {
        public string Kind { get; set; } = "";
        public string Title { get; set; } = "";
        public string Text { get; set; } = "";
        public long UpdatedAt { get; set; }
        public string UpdatedBy { get; set; } = "";
    }

    // The same pattern as Core's LetterTemplate, to name the unknown fields in Danish before Core's check runs.
    [GeneratedRegex(@"\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}")]
    private static partial Regex Placeholder();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored {Kind} letter template cannot be used; the configured template is used instead")]
    private static partial void LogStoredTemplateUnusable(ILogger logger, LetterKind kind);
}
