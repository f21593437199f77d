using Microsoft.Extensions.Logging;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// One webhook's queue in motion. It sends the webhook's deliveries strictly in sequence order, one at a time, from a
/// window of the next ones held in memory: filled from storage when the lane has fallen behind, or handed over by the
/// writer as deliveries are committed when it has kept up (<see cref="_caughtUp"/>), so a steady stream never waits
/// for a database read. Outcomes go to the writer without waiting for them to be stored.
/// </summary>
/// <remarks>
/// Correctness rests on three rules. The window only ever holds a gap-free run of the queue: an offer is taken only
/// while the lane is caught up and has room, and once one is refused the lane reads the rest from storage, after the
/// last sequence it holds. A read may only declare the lane caught up if no offer was refused while it ran. And
/// anything that puts deliveries back out of order (a resend, a new lane) first waits for the writer to store every
/// outcome already handed in, then reads the queue from its start, so a delivery sent but not yet recorded is not
/// sent again.
/// </remarks>
internal sealed partial class DeliveryLane(string webhookId, DeliveryDispatcher owner)
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// With several instances an idle lane holds a lease another instance may want for a webhook that gets work, so it
    /// gives it back sooner; a steady stream of events keeps its lane (and lease) busy.
    /// </summary>
    private static readonly TimeSpan LeasedIdleTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromSeconds(1);

    /// <summary>How often a lane whose lease renewal is overdue looks again whether it has come.</summary>
    private static readonly TimeSpan LeaseRecheck = TimeSpan.FromMilliseconds(100);

    private readonly ILogger _logger = owner.Logger;
    private readonly object _gate = new();
    private readonly Queue<QueuedDelivery> _window = new();
    private long _lastKnown;
    private bool _caughtUp;
    private bool _reread = true;
    private int _missedOffers;
    private bool _retired;
    private bool _woken;
    private TaskCompletionSource? _waiter;
    private long _leaseConfirmedAt;
    private LeaseState _lease;
    private CancellationTokenSource? _attempt;

    /// <summary>When the last attempt ended (a <see cref="TimeProvider"/> timestamp; 0 before the first), for the throttle.</summary>
    private long _lastAttemptAt;

    public string WebhookId { get; } = webhookId;

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <param name="leaseConfirmedAt">When the lease was last known to be held (an engine clock timestamp); unused without leases.</param>
    public void Start(long leaseConfirmedAt, CancellationToken stoppingToken)
    {
        _leaseConfirmedAt = leaseConfirmedAt;
        Completion = EngineTasks.Start(() => RunAsync(stoppingToken));
    }

    /// <summary>A heartbeat renewed the lease (it was sent at <paramref name="at"/>, an engine clock timestamp): the attempt in flight may run longer.</summary>
    public void LeaseConfirmed(long at)
    {
        Volatile.Write(ref _leaseConfirmedAt, at);
        lock (_gate)
            _attempt?.CancelAfter(Max(LeaseLeft(), TimeSpan.Zero));
    }

    /// <summary>Another instance holds the webhook now: the attempt in flight is cut short (and not recorded), nothing is given back.</summary>
    public void LeaseLost()
    {
        Stop(LeaseState.Lost);
        CancellationTokenSource? attempt;
        lock (_gate)
            attempt = _attempt;
        try
        {
            attempt?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt has just ended.
        }
    }

    /// <summary>This instance holds more than its share: stop after the attempt in flight and give the webhook back.</summary>
    public void HandOver() => Stop(LeaseState.HandingOver);

    /// <summary>
    /// Deliveries for this webhook are in storage that the window does not hold (another instance committed them): read
    /// them once the window is done. False when the lane has ended: start another.
    /// </summary>
    public bool Behind()
    {
        lock (_gate)
        {
            if (_retired)
                return false;
            if (!_reread)
            {
                _caughtUp = false;
                _missedOffers++;
            }
            if (_window.Count == 0)
                WakeLocked();
            return true;
        }
    }

    private void Stop(LeaseState state)
    {
        lock (_gate)
        {
            _lease = state;
            WakeLocked();
        }
    }

    /// <summary>
    /// Takes committed deliveries of this webhook (in sequence order) into the window when it has kept up; otherwise
    /// they stay in storage, where its next read finds them. False when the lane has ended: start another.
    /// </summary>
    public bool Offer(IReadOnlyList<QueuedDelivery> deliveries)
    {
        lock (_gate)
        {
            if (_retired)
                return false;
            if (_reread)
                return true; // the coming read from the start finds them
            var wasEmpty = _window.Count == 0;
            foreach (var delivery in deliveries)
            {
                if (delivery.Sequence <= _lastKnown)
                    continue;
                if (_caughtUp && _window.Count < owner.Options.LaneWindow && owner.Buffer.TryTakeOne())
                {
                    _window.Enqueue(delivery);
                    _lastKnown = delivery.Sequence;
                }
                else
                {
                    _caughtUp = false;
                    _missedOffers++;
                }
            }
            if (wasEmpty)
                WakeLocked();
            return true;
        }
    }

    /// <summary>Deliveries went back to pending out of order (a resend): drop the window and read the queue from its start.</summary>
    public bool Reread()
    {
        lock (_gate)
        {
            if (_retired)
                return false;
            _reread = true;
            WakeLocked();
            return true;
        }
    }

    /// <summary>Whether the lane has deliveries to make (in hand, or in storage beyond its window).</summary>
    public bool IsBusy
    {
        get
        {
            lock (_gate)
                return !_retired && (_window.Count > 0 || !_caughtUp || _reread);
        }
    }

    public int Buffered
    {
        get
        {
            lock (_gate)
                return _window.Count;
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        // Whether the webhook is given back when the lane ends: yes when it stops of its own accord, not when the lease
        // went to another instance or the app is stopping (the dispatcher gives everything back then).
        var release = true;
        try
        {
            while (true)
            {
                stoppingToken.ThrowIfCancellationRequested();
                if (!HoldsLease(out release))
                    return;
                if (TakeReread())
                    await owner.Writer.FlushAsync(stoppingToken);

                var (head, mustRead) = Head();
                if (head is null)
                {
                    if (mustRead)
                        await ReadAsync(stoppingToken);
                    else if (!await IdleAsync(stoppingToken))
                        return;
                    continue;
                }
                if (!HoldsLease(out release))
                    return;

                // Read before every attempt: an edit, a rotated secret or a deactivation applies from the next attempt on.
                var target = await owner.Directory.TargetAsync(WebhookId, stoppingToken);
                if (target is not { IsActive: true })
                {
                    // Paused: the backlog stays pending in storage and resumes, in order, when the webhook is activated.
                    Retire();
                    return;
                }

                var wait = head.NextAttemptAt - owner.Clock.GetUtcNow().UtcDateTime;
                if (wait > TimeSpan.Zero)
                {
                    KeepOnlyHead(head);
                    await WaitAsync(wait, stoppingToken);
                    continue;
                }

                // The webhook's throttle: an attempt starts at least this long after the previous one ended (not started: a
                // request slowed on its way, by a new connection say, would then arrive just before the next), so the
                // receiver never gets more than its rate limit in any second. Waited out before taking a slot, which other
                // lanes can use meanwhile.
                if (target.AttemptSpacing > TimeSpan.Zero && _lastAttemptAt != 0
                    && target.AttemptSpacing - owner.Clock.GetElapsedTime(_lastAttemptAt) is { Ticks: > 0 } pause)
                {
                    await WaitAsync(pause, stoppingToken);
                    continue;
                }

                AttemptResult result;
                AttemptWrite record;
                await owner.Slots.WaitAsync(target.CompanyId, stoppingToken);
                // A slot may take several timeouts when other receivers hang: the webhook may have been deactivated or
                // edited meanwhile, so it is read again (from the cache) before sending. The simulator found an attempt
                // going out 8 s after its webhook was deactivated, read before a long wait for a slot.
                DeliveryTarget? current;
                try
                {
                    current = await owner.Directory.TargetAsync(WebhookId, stoppingToken);
                }
                catch
                {
                    owner.Slots.Release(target.CompanyId);
                    throw;
                }
                if (current is not { IsActive: true } || LeaseLeft() < owner.Options.Timeout)
                {
                    owner.Slots.Release(target.CompanyId);
                    if (current is { IsActive: true })
                        await WaitAsync(LeaseRecheck, stoppingToken);
                    continue; // an inactive webhook retires its lane at the top of the loop
                }
                target = current;
                // The attempt's span (null when nobody listens) is the parent of HttpClient's, in the publish's trace.
                var activity = DeliveryTelemetry.StartAttempt(head, target.Url);
                try
                {
                    using var attempt = UnderLease(stoppingToken);
                    try
                    {
                        result = await owner.Sender.SendAsync(target, head, attempt.Token);
                    }
                    finally
                    {
                        EndUnderLease();
                        owner.Slots.Release(target.CompanyId);
                        _lastAttemptAt = owner.Clock.GetTimestamp();
                    }
                    owner.AttemptMade();
                    var now = owner.Clock.GetUtcNow().UtcDateTime;
                    record = AttemptOutcome.Apply(head, result, owner.Options, now);
                    owner.Telemetry.Attempted(activity, head, result, record, now);
                }
                finally
                {
                    activity?.Dispose();
                }
                // A finished attempt is always handed in, even while shutting down, so it is not repeated needlessly.
                await owner.Writer.RecordAsync(record, CancellationToken.None);
                if (record.State != DeliveryState.Pending)
                    RemoveHead(head);
                LogAttempt(head.MessageId, WebhookId, record.Retry, result.Status, record.State);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped: an attempt cut short is not recorded, so it is made again at the next start.
            release = false;
        }
        catch (OperationCanceledException)
        {
            // The lease was lost (or went unconfirmed) during the attempt: it is not recorded, and the next holder makes it
            // again, after this one was cut off.
            LogAttemptCutOff(WebhookId);
            release = false;
        }
        catch (Exception e)
        {
            LogLaneFailed(e, WebhookId);
            await Task.Delay(ErrorBackoff, owner.Clock, CancellationToken.None);
        }
        finally
        {
            Retire();
            await owner.LaneEndedAsync(this, release);
        }
    }

    /// <summary>
    /// The time left under the lease as last confirmed, less a fifth of the lease as a margin for the renewal's round trip
    /// and the receiver seeing the connection close. An attempt starts only when it is at least the attempt's timeout, so
    /// it ends (answered or timed out) before another instance can take the webhook over and send what comes next; with
    /// <see cref="DeliveryOptions.LeaseTimeout"/> at least <see cref="DeliveryOptions.LeasePerTimeout"/> attempt timeouts
    /// there is always room right after a renewal, and a lane waits only when a renewal is overdue.
    /// </summary>
    private TimeSpan LeaseLeft() => owner.Store.SharesWork
        ? owner.Options.LeaseTimeout * DeliveryOptions.LeaseUsable - owner.Clock.GetElapsedTime(Volatile.Read(ref _leaseConfirmedAt))
        : TimeSpan.MaxValue;

    /// <summary>A token for one attempt, cancelled when the lease is lost or runs out unconfirmed (only with leases).</summary>
    private AttemptToken UnderLease(CancellationToken stoppingToken)
    {
        if (!owner.Store.SharesWork)
            return new AttemptToken(null, CancellationTokenSource.CreateLinkedTokenSource(stoppingToken));
        // Timed by the engine's clock, so that the lease's end is the same instant for the lane and for the simulator.
        var lease = new CancellationTokenSource(Timeout.InfiniteTimeSpan, owner.Clock);
        var attempt = new AttemptToken(lease, CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Token));
        lock (_gate)
        {
            _attempt = lease;
            if (_lease == LeaseState.Lost)
                lease.Cancel();
            else
                lease.CancelAfter(Max(LeaseLeft(), TimeSpan.Zero));
        }
        return attempt;
    }

    private sealed class AttemptToken(CancellationTokenSource? lease, CancellationTokenSource linked) : IDisposable
    {
        public CancellationToken Token => linked.Token;

        public void Dispose()
        {
            linked.Dispose();
            lease?.Dispose();
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void EndUnderLease()
    {
        lock (_gate)
            _attempt = null;
    }

    /// <summary>
    /// Without leases (one instance), always. With them: not once the lease was lost or is being handed over, nor once
    /// no heartbeat has confirmed it for most of the lease time (the database may be unreachable, and another instance
    /// may take the webhook over when it runs out): better to stop early than to send beside the next holder.
    /// </summary>
    private bool HoldsLease(out bool release)
    {
        release = true;
        if (!owner.Store.SharesWork)
            return true;
        LeaseState state;
        lock (_gate)
            state = _lease;
        if (state == LeaseState.HandingOver)
            return false;
        if (state == LeaseState.Held && LeaseLeft() > TimeSpan.Zero)
            return true;
        release = false;
        return false;
    }

    private enum LeaseState
    {
        Held,
        HandingOver,
        Lost,
    }

    private bool TakeReread()
    {
        lock (_gate)
        {
            if (!_reread)
                return false;
            _reread = false;
            ReleaseWindowLocked();
            _lastKnown = 0;
            _caughtUp = false;
            return true;
        }
    }

    private (QueuedDelivery? Head, bool MustRead) Head()
    {
        lock (_gate)
            return _window.Count > 0 ? (_window.Peek(), false) : (null, !_caughtUp || _reread);
    }

    private async Task ReadAsync(CancellationToken stoppingToken)
    {
        long after;
        int missed;
        int wanted;
        lock (_gate)
        {
            after = _lastKnown;
            missed = _missedOffers;
            wanted = owner.Options.LaneWindow - _window.Count;
        }
        // Never zero: a lane with an empty window may always hold one delivery, so every webhook makes progress.
        var granted = owner.Buffer.Take(wanted);
        IReadOnlyList<QueuedDelivery> rows;
        try
        {
            rows = await owner.Store.PendingAsync(WebhookId, after, granted, stoppingToken);
        }
        catch
        {
            owner.Buffer.Return(granted);
            throw;
        }
        lock (_gate)
        {
            var taken = 0;
            if (!_reread)
            {
                foreach (var row in rows)
                {
                    if (row.Sequence <= _lastKnown)
                        continue;
                    _window.Enqueue(row);
                    _lastKnown = row.Sequence;
                    taken++;
                }
                if (rows.Count < granted && _missedOffers == missed)
                    _caughtUp = true;
            }
            owner.Buffer.Return(granted - taken);
        }
    }

    /// <returns>False when the lane retired after waiting idle; true when there may be work.</returns>
    private async Task<bool> IdleAsync(CancellationToken stoppingToken)
    {
        Task woken;
        lock (_gate)
        {
            if (_woken || _window.Count > 0 || !_caughtUp || _reread)
            {
                _woken = false;
                return true;
            }
            woken = (_waiter = EngineTasks.Signal()).Task;
        }
        try
        {
            await woken.WaitAsync(owner.Store.SharesWork ? LeasedIdleTimeout : IdleTimeout, owner.Clock, stoppingToken);
            return true;
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiter = null;
                if (_woken || _window.Count > 0 || !_caughtUp || _reread)
                    return true;
                _retired = true;
                return false;
            }
        }
    }

    /// <summary>Waits out a retry delay, or less if a resend asks for a new read.</summary>
    private async Task WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        // Rounded up to a whole millisecond: Task.WaitAsync times out at once below one, and the lane spun without
        // yielding until the clock passed the retry time (found by the simulator, where time stands still within a step).
        wait = TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds));
        Task woken;
        lock (_gate)
        {
            if (_woken)
            {
                _woken = false;
                return;
            }
            woken = (_waiter = EngineTasks.Signal()).Task;
        }
        try
        {
            await woken.WaitAsync(wait, owner.Clock, stoppingToken);
        }
        catch (TimeoutException)
        {
            lock (_gate)
                _waiter = null;
        }
    }

    private void WakeLocked()
    {
        if (_waiter is { } waiter)
        {
            _waiter = null;
            waiter.TrySetResult();
        }
        else
        {
            _woken = true;
        }
    }

    /// <summary>
    /// The head waits for a retry: nothing behind it can go before it, so the rest of the window goes back to storage
    /// (and the memory to other lanes) until it is through.
    /// </summary>
    private void KeepOnlyHead(QueuedDelivery head)
    {
        lock (_gate)
        {
            if (_window.Count <= 1 || !ReferenceEquals(_window.Peek(), head))
                return;
            owner.Buffer.Return(_window.Count - 1);
            _window.Clear();
            _window.Enqueue(head);
            _lastKnown = head.Sequence;
            _caughtUp = false;
        }
    }

    private void RemoveHead(QueuedDelivery head)
    {
        lock (_gate)
        {
            // A resend may have emptied the window while the attempt was out.
            if (_window.Count > 0 && ReferenceEquals(_window.Peek(), head))
            {
                _window.Dequeue();
                owner.Buffer.Return(1);
            }
        }
    }

    private void Retire()
    {
        lock (_gate)
        {
            _retired = true;
            ReleaseWindowLocked();
        }
    }

    private void ReleaseWindowLocked()
    {
        owner.Buffer.Return(_window.Count);
        _window.Clear();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivery {LogId} to webhook {WebhookId}: attempt {Attempt} answered {Status}, now {State}.")]
    private partial void LogAttempt(string logId, string webhookId, int attempt, int status, DeliveryState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An attempt to webhook {WebhookId} was cut off: this instance's lease was lost or went unconfirmed. The next holder makes it again.")]
    private partial void LogAttemptCutOff(string webhookId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The delivery lane of webhook {WebhookId} failed; it restarts at the next scan.")]
    private partial void LogLaneFailed(Exception e, string webhookId);
}
