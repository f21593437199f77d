using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Delivery;

// The writer's loop: batches, commits (again while the database is unavailable, unit by unit when it refuses
// something), and tells the lanes and the open logs tabs what each commit changed.
public sealed partial class DeliveryWriter
{
    private async Task RunAsync(ChannelReader<Unit> reader)
    {
        var units = new List<Unit>();
        var writes = new List<DeliveryWrite>();
        var gathers = _publishes is not null && ReferenceEquals(reader, _queue.Reader) && _recordGathering > TimeSpan.Zero;
        while (await reader.WaitToReadAsync())
        {
            if (gathers)
                await GatherRecordsAsync();
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

    /// <summary>
    /// Lets attempt records gather for <see cref="DeliveryOptions.RecordGathering"/> before their commit (see there why),
    /// unless enough already wait, a flush waits for them, or the app stops.
    /// </summary>
    /// <remarks>
    /// The wait runs on the machine's clock, not the engine's: it is about the database's cost, not about delivery rules,
    /// and a test's stopped clock must not hold records back.
    /// </remarks>
    private async Task GatherRecordsAsync()
    {
        var cut = EngineTasks.Signal();
        // Published before the flag is read, as FlushAsync sets the flag before reading this: one of the two sees the other.
        Interlocked.Exchange(ref _gathering, cut);
        if (Interlocked.Exchange(ref _flushAsked, 0) == 0 && _maxUnrecorded - _attemptRoom.CurrentCount < EnoughRecords)
            await Task.WhenAny(cut.Task, EngineTasks.PauseAsync(_recordGathering, TimeProvider.System, _stopping.Token));
        Interlocked.Exchange(ref _gathering, null);
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
            // Shutting down cuts the pause short: the next turn gives the record up.
            await EngineTasks.PauseAsync(RetryBackoff, _clock, _stopping.Token);
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
            // Shutting down cuts the pause short: one last try, then the usual shutdown path.
            await EngineTasks.PauseAsync(RetryBackoff, _clock, _stopping.Token);
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
        var handed = new List<QueuedDelivery>();
        var stored = new HashSet<string>(StringComparer.Ordinal);
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
                    // In hand when the store says this commit holds the queue's order; as news to read from storage otherwise.
                    if (published.HandedToLanes)
                        handed.AddRange(published.Created);
                    foreach (var delivery in published.Created)
                    {
                        changed.Add(delivery.WebhookId);
                        if (!published.HandedToLanes)
                            stored.Add(delivery.WebhookId);
                    }
                }
                else if (write is AttemptWrite attempt)
                {
                    changed.Add(attempt.WebhookId);
                    // An admin's resend that fails is the admin's to see in the logs; the company is told of the engine's own giving up.
                    if (attempt is { State: Logs.DeliveryState.Failed, Attempt.Manual: false })
                        _notices?.DeliveryExhausted(attempt.LogId, attempt.WebhookId, attempt.Retry, attempt.Status, attempt.Attempt.StartedAt);
                }
            }
            unit.Done?.TrySetResult();
        }
        if (handed.Count > 0)
            _feed.Committed(handed);
        if (stored.Count > 0)
            _feed.RemoteWork(stored);
        foreach (var webhookId in changed)
            _notifications.Changed(webhookId);
    }

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} delivery rows failed.")]
    private partial void LogWriteFailed(Exception e, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database refused {Count} delivery rows for their content; they are written again one unit at a time.")]
    private partial void LogWriteRefused(Exception e, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An attempt record was refused for its content ({Reason}); it is stored without the response.")]
    private partial void LogRecordNotStorable(Exception e, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "An attempt record was refused even without its response; it is given up, its log keeps its last recorded state.")]
    private partial void LogRecordDropped(Exception e);
}
