using System.Data.Common;
using System.Threading.Channels;

namespace MedComMailbox.Infrastructure.Storage;

/// <summary>
/// The one writer of a process on SQLite. SQLite admits one writer at a time and makes every commit pay an fsync
/// (synchronous=FULL), so writers on their own connections queue in the busy handler and each pays its own fsync. Here
/// callers hand over a unit of work instead; one loop runs the units in arrival order on one connection, each inside its
/// own SAVEPOINT, and commits every unit that arrived while the previous commit was being written in one transaction.
/// A unit that throws is rolled back alone (its savepoint) and its caller gets the exception; the others commit. A
/// caller's task completes only after the COMMIT that holds its rows returned, so "answered" still means "durable".
/// A unit must only run statements on the connection and transaction it is given (no network, no nested
/// <see cref="WriteAsync{T}"/>: the loop would wait for itself, so a nested call fails at once instead). The loop
/// outlives any exception; a unit whose caller gave up before it ran is dropped.
/// </summary>
public sealed class SqliteGroupCommit
{
    /// <summary>At most this many units share one commit, so one commit's latency stays bounded under a burst.</summary>
    public const int MaxBatch = 64;

    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly Channel<IUnit> _queue = Channel.CreateUnbounded<IUnit>(new UnboundedChannelOptions { SingleReader = true });
    // Set on the loop's own execution context, so it flows into every unit it runs and nowhere else.
    private readonly AsyncLocal<bool> _onWriter = new();
    private long _commits;
    private long _units;

    public SqliteGroupCommit(Func<CancellationToken, Task<DbConnection>> open)
    {
        _open = open;
        // A thread-pool loop that only awaits: no thread is held while nothing is queued.
        _ = Task.Run(RunAsync);
    }

    /// <summary>Commits so far (for tests and diagnostics).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Units committed so far.</summary>
    public long Units => Interlocked.Read(ref _units);

    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (_onWriter.Value)
        {
            // A unit waiting for a unit queued behind it would wait for ever: the writer runs one unit at a time.
            throw new InvalidOperationException("A write unit may not start another write: run its statements on the connection it was given.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var unit = new Unit<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(unit))
        {
            throw new InvalidOperationException("The SQLite writer has stopped.");
        }

        return unit.Completion;
    }

    private async Task RunAsync()
    {
        _onWriter.Value = true;
        var batch = new List<IUnit>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            try
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var unit))
                {
                    if (!unit.Cancelled)
                    {
                        batch.Add(unit);
                    }
                }

                if (batch.Count > 0)
                {
                    await RunBatchAsync(batch);
                }
            }
            catch (Exception e)
            {
                // Not expected (RunBatchAsync answers every unit itself); if it happens, its callers hear of it and the
                // loop goes on, so no later caller waits for a writer that has stopped.
                foreach (var unit in batch)
                {
                    unit.Fail(e);
                }
            }

            batch.Clear();
        }
    }

    private async Task RunBatchAsync(List<IUnit> batch)
    {
        var done = new List<IUnit>(batch.Count);
        try
        {
            await using var connection = await _open(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            foreach (var unit in batch)
            {
                await transaction.SaveAsync("unit");
                try
                {
                    await unit.RunAsync(connection, transaction);
                }
                catch (Exception e)
                {
                    // Only this unit's statements are undone. If even that fails, the transaction is unusable: the
                    // outer catch fails every unit of the batch, none of which is committed.
                    await transaction.RollbackAsync("unit");
                    await transaction.ReleaseAsync("unit");
                    unit.Fail(e);
                    continue;
                }

                await transaction.ReleaseAsync("unit");
                done.Add(unit);
            }

            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // Nothing of this batch is committed (BEGIN, a savepoint or COMMIT failed): every caller still waiting hears so.
            foreach (var unit in batch)
            {
                unit.Fail(e);
            }

            return;
        }

        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _units, done.Count);
        foreach (var unit in done)
        {
            unit.Complete();
        }
    }

    private interface IUnit
    {
        bool Cancelled { get; }

        Task RunAsync(DbConnection connection, DbTransaction transaction);

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class Unit<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) : IUnit
    {
        // Continuations run elsewhere: a caller's code after the await must not run on (and hold up) the writer loop.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Completion => _completion.Task;

        public bool Cancelled
        {
            get
            {
                if (!cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                _completion.TrySetCanceled(cancellationToken);
                return true;
            }
        }

        public async Task RunAsync(DbConnection connection, DbTransaction transaction) =>
            _result = await work(connection, transaction, cancellationToken);

        public void Complete() => _completion.TrySetResult(_result);

        public void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
