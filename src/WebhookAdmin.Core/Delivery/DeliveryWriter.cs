using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// The one door to the delivery tables (a group commit). Publishers and lanes hand it writes; it takes everything that
/// has arrived, commits it as one transaction (one flush to disk for all of it), then answers every publisher of that
/// batch and tells the dispatcher and open logs tabs what changed. While one batch is being committed the next one
/// gathers, so the busier the system, the more each flush carries.
/// </summary>
/// <remarks>
/// Publishers wait for their batch's commit: an accepted event is durable. Lanes do not wait for their attempt's
/// record (they go on to the next delivery); the records are committed in the order they were handed in, so after a
/// crash the deliveries still pending are exactly a suffix of each webhook's queue: some may be sent again, none is
/// lost or overtaken. A record that cannot be written is retried until it is, never skipped, for the same reason.
/// While the database is unavailable (down, restarting, locked by another process, full) the batch is tried again as a
/// whole, nothing is skipped; a publisher waits at most its store timeout and is then told to try later
/// (<see cref="StorageUnavailableException"/>). Its events are then taken out of the queue if their commit has not
/// started, so they are not stored (and delivered) behind its back; if the commit was under way when the wait ran out,
/// its outcome is unknown and the events may still be stored: a retry with the same caller <c>id</c> is then recognised
/// as a repeat.
/// <para>A write the database refuses for its content (<see cref="StorageErrors.IsContentError"/>) would be refused
/// for ever, and retrying it would hold every company's writes behind it. So a refused batch is committed again unit by
/// unit: a refused publish fails its own caller (<see cref="ContentRefusedException"/>), and a refused attempt record is
/// stored in a minimal form (<see cref="AttemptWrite.NotStorable"/>: status, attempt, state and timing, with why the
/// response could not be kept) in its place, so the order of records still holds.</para>
/// </remarks>
public sealed partial class DeliveryWriter : IAsyncDisposable, IDisposable
{
    /// <summary>
    /// Rows per transaction. Large enough that a flush is shared by hundreds of writes, small enough that an admin's
    /// edit waiting for SQLite's write lock is not held up for more than a few milliseconds.
    /// </summary>
    private const int BatchRows = 4096;

    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);

    private readonly Channel<Unit> _queue = Channel.CreateUnbounded<Unit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _attemptRoom;
    private readonly int _maxUnrecordedAttempts;
    private readonly IDeliveryStore _store;
    private readonly DeliveryFeed _feed;
    private readonly LogNotifications _notifications;
    private readonly ILogger<DeliveryWriter> _logger;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private volatile bool _droppingRecords;
    private int _disposed;

    // For the health check: units handed in and not finished, when the writer last got an answer from the database
    // (Environment.TickCount64), and whether its last commit failed for the database's state.
    private int _waiting;
    private long _answeredAt = Environment.TickCount64;
    private volatile bool _failing;

    private static readonly Exception DroppedAtShutdown = new OperationCanceledException("The app stopped before this attempt could be recorded.");

    public DeliveryWriter(
        IDeliveryStore store, DeliveryFeed feed, LogNotifications notifications, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<DeliveryWriter> logger)
    {
        _clock = clock;
        _store = store;
        _feed = feed;
        _notifications = notifications;
        _logger = logger;
        _maxUnrecordedAttempts = options.Value.MaxUnrecordedAttempts;
        _attemptRoom = new SemaphoreSlim(_maxUnrecordedAttempts);
        // The loop starts with the writer (not with the host), so publishing works wherever the writer is resolved.
        _loop = EngineTasks.Start(RunAsync);
    }

    /// <summary>Whether attempt records were handed in that are not stored yet.</summary>
    public bool HoldsUnrecordedAttempts => _attemptRoom.CurrentCount < _maxUnrecordedAttempts;

    /// <summary>Whether the writer's loop is running (it only stops when the app does).</summary>
    public bool IsRunning => !_loop.IsCompleted;

    /// <summary>
    /// How long writes have been waiting without the database answering a commit (zero when nothing waits): a locked,
    /// full or unreachable database. Back to zero as soon as a commit goes through.
    /// </summary>
    public TimeSpan StalledFor
    {
        get
        {
            if (Volatile.Read(ref _waiting) == 0)
                return TimeSpan.Zero;
            return TimeSpan.FromMilliseconds(Math.Max(0, Environment.TickCount64 - Interlocked.Read(ref _answeredAt)));
        }
    }

    /// <summary>Stores the events and their deliveries; returns once they are committed and flushed, results filled in.</summary>
    public Task StoreAsync(IReadOnlyList<EventWrite> events, CancellationToken cancellationToken = default) =>
        StoreAsync(events, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>As <see cref="StoreAsync(IReadOnlyList{EventWrite}, CancellationToken)"/>, waiting at most <paramref name="timeout"/>.</summary>
    /// <exception cref="StorageUnavailableException">Not committed within <paramref name="timeout"/>, or the database is unavailable.</exception>
    public async Task StoreAsync(IReadOnlyList<EventWrite> events, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var unit = new Unit(events, Waiter());
        Enqueue(unit);
        try
        {
            // Once handed in, the write goes ahead even if this caller stops waiting (a client gone): the caller id
            // makes a retry harmless. Only the timeout takes it back.
            await unit.Done!.Task.WaitAsync(timeout, _clock, cancellationToken);
        }
        catch (TimeoutException e)
        {
            var dropped = unit.Abandon();
            LogStoreTimedOut(timeout, dropped);
            throw new StorageUnavailableException(
                dropped ? "The database did not take the events in time; they were not stored." : "The database did not confirm the events in time; they may have been stored.", e);
        }
        catch (Exception e) when (e is not StorageUnavailableException && StorageErrors.IsUnavailable(e))
        {
            throw new StorageUnavailableException("The database is unavailable; the events were not stored.", e);
        }
    }

    /// <summary>
    /// Hands in an attempt's record and returns at once, waiting only while <see cref="DeliveryOptions.MaxUnrecordedAttempts"/>
    /// records are already waiting (the database is slower than the receivers).
    /// </summary>
    public async ValueTask RecordAsync(AttemptWrite attempt, CancellationToken cancellationToken = default)
    {
        await _attemptRoom.WaitAsync(cancellationToken);
        Enqueue(new Unit([attempt], null));
    }

    /// <summary>Returns once everything handed in before the call is committed.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var unit = new Unit([], Waiter());
        Enqueue(unit);
        return unit.Done!.Task.WaitAsync(cancellationToken);
    }

    private void Enqueue(Unit unit)
    {
        // The first write after a quiet spell starts the clock, unless the database was already failing us.
        if (Interlocked.Increment(ref _waiting) == 1 && !_failing)
            Interlocked.Exchange(ref _answeredAt, Environment.TickCount64);
        if (!_queue.Writer.TryWrite(unit))
        {
            Interlocked.Decrement(ref _waiting);
            throw new InvalidOperationException("The delivery writer has stopped: the app is shutting down.");
        }
    }

    private static TaskCompletionSource Waiter() => EngineTasks.Signal();

    private async Task RunAsync()
    {
        var units = new List<Unit>();
        var writes = new List<DeliveryWrite>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            units.Clear();
            writes.Clear();
            var rows = 0;
            while (rows < BatchRows && reader.TryRead(out var unit))
            {
                if (unit.Done is null && _droppingRecords)
                {
                    Finish([unit], DroppedAtShutdown);
                    continue;
                }
                if (!unit.TryStart())
                {
                    Interlocked.Decrement(ref _waiting); // its publisher stopped waiting and was told so: not stored
                    continue;
                }
                units.Add(unit);
                writes.AddRange(unit.Writes);
                rows += unit.Writes.Sum(w => w.Rows);
            }

            if (await CommitWhileUnavailableAsync(units, writes) is null)
            {
                Finish(units, null);
                continue;
            }
            // Something in the batch is refused: commit each part alone, so one bad write fails (or is stored in its
            // minimal form) alone and the others go on.
            foreach (var unit in units)
                await CommitAloneAsync(unit);
        }
    }

    private async Task CommitAloneAsync(Unit unit)
    {
        var writes = unit.Writes;
        var minimal = false;
        while (true)
        {
            if (unit.Done is null && _droppingRecords)
            {
                Finish([unit], DroppedAtShutdown);
                return;
            }
            var failure = await CommitAsync(writes);
            if (failure is not null && StorageErrors.IsContentError(failure))
            {
                var reason = StorageErrors.ContentErrorReason(failure);
                if (unit.Done is null && !minimal)
                {
                    LogRecordNotStorable(failure, reason);
                    writes = [.. writes.Cast<AttemptWrite>().Select(a => a.NotStorable(reason))];
                    minimal = true;
                    continue;
                }
                // A publish is refused to its caller, who can do something about it. A minimal record refused too (say,
                // its log was deleted meanwhile) is given up rather than hold every later write: the log, if any is left,
                // keeps its last recorded state.
                if (unit.Done is null)
                    LogRecordDropped(failure);
                Finish([unit], new ContentRefusedException(reason, failure));
                return;
            }
            // A publisher is told and may try again; attempt records are never skipped while the app runs (see the
            // remarks). At shutdown they are given up, and with them every later record, so that what is stored is
            // still a prefix of what happened: the deliveries not recorded are sent again at the next start.
            if (failure is null || unit.Done is not null)
            {
                Finish([unit], failure);
                return;
            }
            if (_stopping.IsCancellationRequested)
            {
                _droppingRecords = true;
                continue;
            }
            try
            {
                await Task.Delay(RetryBackoff, _clock, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Shutting down: the next turn gives the record up.
            }
        }
    }

    /// <summary>
    /// Commits the batch, again and again while the database is unavailable (a failed transaction stored nothing, so
    /// trying again repeats nothing). Between tries the publishers whose wait ran out are taken out of the batch.
    /// Other failures (a write the database refuses) are returned at once; so is any failure while shutting down.
    /// </summary>
    private async Task<Exception?> CommitWhileUnavailableAsync(List<Unit> units, List<DeliveryWrite> writes)
    {
        while (true)
        {
            var failure = await CommitAsync(writes);
            if (failure is null || _stopping.IsCancellationRequested || !StorageErrors.IsUnavailable(failure))
                return failure;
            foreach (var unit in units)
                unit.Pause();
            try
            {
                await Task.Delay(RetryBackoff, _clock, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Shutting down: one last try, then the usual shutdown path.
            }
            var givenUp = units.RemoveAll(unit => !unit.TryStart());
            Interlocked.Add(ref _waiting, -givenUp);
            writes.Clear();
            foreach (var unit in units)
                writes.AddRange(unit.Writes);
        }
    }

    private async Task<Exception?> CommitAsync(IReadOnlyList<DeliveryWrite> writes)
    {
        if (writes.Count == 0)
            return null;
        try
        {
            await _store.WriteAsync(writes, CancellationToken.None);
            Answered();
            return null;
        }
        catch (Exception e)
        {
            if (StorageErrors.IsContentError(e))
            {
                // The database is well: it looked at the write and said no.
                Answered();
                LogWriteRefused(e, writes.Count);
            }
            else
            {
                _failing = true;
                LogWriteFailed(e, writes.Count);
            }
            return e;
        }
    }

    private void Answered()
    {
        _failing = false;
        Interlocked.Exchange(ref _answeredAt, Environment.TickCount64);
    }

    private void Finish(IReadOnlyList<Unit> units, Exception? failure)
    {
        Interlocked.Add(ref _waiting, -units.Count);
        var created = new List<QueuedDelivery>();
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var unit in units)
        {
            if (unit.Done is null)
                _attemptRoom.Release(unit.Writes.Count);
            if (failure is not null)
            {
                unit.Done?.TrySetException(failure);
                continue;
            }
            foreach (var write in unit.Writes)
            {
                if (write is EventWrite published)
                {
                    created.AddRange(published.Created);
                    foreach (var delivery in published.Created)
                        changed.Add(delivery.WebhookId);
                }
                else if (write is AttemptWrite attempt)
                {
                    changed.Add(attempt.WebhookId);
                }
            }
            unit.Done?.TrySetResult();
        }
        if (created.Count > 0)
            _feed.Committed(created);
        foreach (var webhookId in changed)
            _notifications.Changed(webhookId);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        // Whatever was handed in before the stop is still committed; nothing new is taken. A database that refuses
        // writes gets a few seconds, then the records still waiting are given up (their deliveries are sent again).
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(ShutdownGrace, _clock);
        }
        catch (TimeoutException)
        {
            _stopping.Cancel();
            await _loop;
        }
        _stopping.Cancel();
        _stopping.Dispose();
        _attemptRoom.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>What one caller handed in together; <see cref="Done"/> is null for attempt records, which nobody awaits.</summary>
    private sealed class Unit(IReadOnlyList<DeliveryWrite> writes, TaskCompletionSource? done)
    {
        private const int Queued = 0, Committing = 1, Abandoned = 2;
        private int _state;

        public IReadOnlyList<DeliveryWrite> Writes { get; } = writes;

        public TaskCompletionSource? Done { get; } = done;

        /// <summary>The writer takes it into a commit; false when its publisher gave up first (it is then left out).</summary>
        public bool TryStart() => Interlocked.CompareExchange(ref _state, Committing, Queued) != Abandoned;

        /// <summary>Its commit failed (nothing stored): until the next try its publisher may still give up.</summary>
        public void Pause() => Interlocked.CompareExchange(ref _state, Queued, Committing);

        /// <summary>The publisher stops waiting. True when the writer had not started committing it (and now never will).</summary>
        public bool Abandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A publish was not committed within {Timeout}; answered as unavailable (taken out of the queue: {Dropped}).")]
    private partial void LogStoreTimedOut(TimeSpan timeout, bool dropped);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} delivery rows failed.")]
    private partial void LogWriteFailed(Exception e, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database refused {Count} delivery rows for their content; they are written again one unit at a time.")]
    private partial void LogWriteRefused(Exception e, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An attempt record was refused for its content ({Reason}); it is stored without the response.")]
    private partial void LogRecordNotStorable(Exception e, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "An attempt record was refused even without its response; it is given up, its log keeps its last recorded state.")]
    private partial void LogRecordDropped(Exception e);
}
