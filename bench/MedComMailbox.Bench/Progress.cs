using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;

namespace MedComMailbox.Bench;

/// <summary>How far the workflow has come, read from the mailbox's SQLite file beside the running processes.</summary>
internal sealed record WorkflowCounts(long Triaged, long Cases, long GpReceiptsSent, long Letters, long LettersOpen)
{
    /// <summary>Every message triaged, one case each, every GP receipt delivered to the outbound folder, no letter waiting.</summary>
    public bool Done(int messages) => Triaged >= messages && Cases >= messages && GpReceiptsSent >= messages && Letters > 0 && LettersOpen == 0;

    public override string ToString() => $"triaged {Triaged}, cases {Cases}, GP receipts sent {GpReceiptsSent}, letters {Letters} ({LettersOpen} not sent)";
}

/// <summary>Per referral: received (stored), case opened with receipt and letters queued, and everything sent.</summary>
internal sealed class ReferralTiming
{
    public long ReceivedAt { get; init; }

    public long OpenedAt { get; init; }

    public long? ReceiptSentAt { get; init; }

    public long? LettersSentAt { get; init; }

    public double IssuedMs => OpenedAt - ReceivedAt;

    public double? OutMs => ReceiptSentAt is { } r && LettersSentAt is { } l ? Math.Max(r, l) - ReceivedAt : null;
}

internal sealed class WorkflowProbe(string database)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = database,
        Mode = SqliteOpenMode.ReadOnly,
        Pooling = false,
        DefaultTimeout = 30,
    }.ToString();

    public async Task<WorkflowCounts?> CountsAsync()
    {
        if (!File.Exists(database))
        {
            return null;
        }

        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync();
            await connection.ExecuteAsync("PRAGMA busy_timeout=30000;");
            return await connection.QuerySingleAsync<WorkflowCounts>(
                """
                SELECT (SELECT COUNT(*) FROM consumed WHERE consumer = 'triage') AS Triaged,
                       (SELECT COUNT(*) FROM cases) AS Cases,
                       (SELECT COUNT(*) FROM case_messages cm JOIN outbox o ON o.message_id = cm.message_id AND o.kind = 'deliver'
                         WHERE cm.role = 'GpReceipt' AND o.dispatched_at IS NOT NULL) AS GpReceiptsSent,
                       (SELECT COUNT(*) FROM letters) AS Letters,
                       (SELECT COUNT(*) FROM letters WHERE status IN ('pending', 'sending')) AS LettersOpen
                """);
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    /// <summary>Polls until <see cref="WorkflowCounts.Done"/>; returns the last counts and whether it finished.</summary>
    public async Task<(WorkflowCounts? Counts, bool Done)> WaitAsync(int messages, TimeSpan timeout, Action<WorkflowCounts>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        WorkflowCounts? last = null;
        while (clock.Elapsed < timeout)
        {
            last = await CountsAsync() ?? last;
            if (last is not null)
            {
                progress?.Invoke(last);
                if (last.Done(messages))
                {
                    return (last, true);
                }
            }

            await Task.Delay(250);
        }

        return (last, false);
    }

    public async Task<IReadOnlyList<ReferralTiming>> TimingsAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        return (await connection.QueryAsync<ReferralTiming>(
            """
            SELECT m.received_at AS ReceivedAt, c.opened_at AS OpenedAt,
                   (SELECT MAX(o.dispatched_at) FROM case_messages cm JOIN outbox o ON o.message_id = cm.message_id AND o.kind = 'deliver'
                     WHERE cm.case_id = c.id AND cm.role = 'GpReceipt') AS ReceiptSentAt,
                   (SELECT MAX(l.sent_at) FROM letters l WHERE l.case_id = c.id AND l.kind = 'ConsentRequest') AS LettersSentAt
            FROM cases c JOIN messages m ON m.id = c.referral_message_id
            """)).AsList();
    }
}
