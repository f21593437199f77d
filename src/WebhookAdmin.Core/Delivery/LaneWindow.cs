namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// The next deliveries of one webhook held in memory, and the lane's wake-up call. Filled from storage when the lane has
/// fallen behind, or handed over by the writer as deliveries are committed when it has kept up (caught up), so a steady
/// stream never waits for a database read.
/// </summary>
/// <remarks>
/// Correctness rests on three rules. The window only ever holds a gap-free run of the queue: an offer is taken only
/// while the lane is caught up and has room (and, on a shared store, knows what was pending before it), and once one
/// is refused the lane reads the rest from storage, after the last sequence it holds. A read may only declare the lane
/// caught up if no offer was refused while it ran. And anything that puts deliveries back out of order (a resend, a new
/// lane, news missed) makes the lane drop the window and read the queue from its start, once the writer has stored
/// every outcome already handed in.
/// </remarks>
internal sealed class LaneWindow(int size, DeliveryBuffer buffer)
{
    private readonly object _gate = new();
    private readonly Queue<QueuedDelivery> _window = new();
    private long _lastKnown;
    private bool _caughtUp;
    private bool _reread = true;
    private int _missedOffers;
    private bool _retired;
    private readonly LaneSignal _signal = new();

    /// <summary>
    /// Takes deliveries (in sequence order) when caught up, with room, and sure nothing pending comes between them and the
    /// window (<see cref="QueuedDelivery.PendingBefore"/>); false when the lane has ended.
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
                if (_caughtUp && (delivery.PendingBefore is not { } before || before <= _lastKnown) && _window.Count < size && buffer.TryTakeOne())
                {
                    _window.Enqueue(delivery);
                    _lastKnown = delivery.Sequence;
                }
                else
                {
                    MissedLocked();
                }
            }
            if (wasEmpty)
                _signal.Wake();
            return true;
        }
    }

    /// <summary>Deliveries are in storage that the window does not hold: read them once it is done. False when the lane has ended.</summary>
    public bool Behind()
    {
        lock (_gate)
        {
            if (_retired)
                return false;
            if (!_reread)
                MissedLocked();
            if (_window.Count == 0)
                _signal.Wake();
            return true;
        }
    }

    /// <summary>Deliveries went back to pending out of order: drop the window and read the queue from its start.</summary>
    public bool Reread()
    {
        lock (_gate)
        {
            if (_retired)
                return false;
            _reread = true;
            _signal.Wake();
            return true;
        }
    }

    public bool HasWork
    {
        get
        {
            lock (_gate)
                return !_retired && HasWorkLocked();
        }
    }

    /// <summary>True once when a read from the start was asked for: the window is dropped, the caller flushes the writer first.</summary>
    public bool TakeReread()
    {
        lock (_gate)
        {
            if (!_reread)
                return false;
            _reread = false;
            ReleaseLocked();
            _lastKnown = 0;
            _caughtUp = false;
            return true;
        }
    }

    /// <summary>The next delivery; when there is none, whether storage may hold more than the window knows.</summary>
    public (QueuedDelivery? Head, bool MustRead) Head()
    {
        lock (_gate)
            return _window.Count > 0 ? (_window.Peek(), false) : (null, !_caughtUp || _reread);
    }

    /// <summary>Fills the window from storage after the last delivery it knows.</summary>
    public async Task ReadAsync(IPendingDeliveries queue, string webhookId, CancellationToken stoppingToken)
    {
        long after;
        int missed;
        int wanted;
        lock (_gate)
        {
            after = _lastKnown;
            missed = _missedOffers;
            wanted = size - _window.Count;
        }
        // Never zero: a lane with an empty window may always hold one delivery, so every webhook makes progress.
        var granted = buffer.Take(wanted);
        IReadOnlyList<QueuedDelivery> rows;
        try
        {
            rows = await queue.PendingAsync(webhookId, after, granted, stoppingToken);
        }
        catch
        {
            buffer.Return(granted);
            throw;
        }
        lock (_gate)
        {
            var taken = 0;
            if (!_reread)
            {
                foreach (var row in rows.Where(r => r.Sequence > _lastKnown))
                {
                    _window.Enqueue(row);
                    _lastKnown = row.Sequence;
                    taken++;
                }
                if (rows.Count < granted && _missedOffers == missed)
                    _caughtUp = true;
            }
            buffer.Return(granted - taken);
        }
    }

    /// <summary>Waits for work; false when <paramref name="timeout"/> passed without any, and the lane retired.</summary>
    public async Task<bool> IdleAsync(TimeSpan timeout, TimeProvider clock, CancellationToken stoppingToken)
    {
        lock (_gate)
        {
            if (HasWorkLocked())
                return true;
        }
        if (await _signal.SleepAsync(timeout, clock, stoppingToken))
            return true;
        lock (_gate)
        {
            if (HasWorkLocked())
                return true;
            _retired = true;
            return false;
        }
    }

    /// <summary>Waits out a retry delay or a throttle, or less when woken (a resend asks for a new read, the lease changed).</summary>
    public Task WaitAsync(TimeSpan wait, TimeProvider clock, CancellationToken stoppingToken) =>
        // Rounded up to a whole millisecond: Task.WaitAsync times out at once below one, and the lane spun without
        // yielding until the clock passed the retry time (found by the simulator, where time stands still within a step).
        _signal.SleepAsync(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), clock, stoppingToken);

    public void Wake() => _signal.Wake();

    /// <summary>
    /// The head waits for a retry: nothing behind it can go before it, so the rest of the window goes back to storage
    /// (and the memory to other lanes) until it is through.
    /// </summary>
    public void KeepOnlyHead(QueuedDelivery head)
    {
        lock (_gate)
        {
            if (_window.Count <= 1 || !ReferenceEquals(_window.Peek(), head))
                return;
            buffer.Return(_window.Count - 1);
            _window.Clear();
            _window.Enqueue(head);
            _lastKnown = head.Sequence;
            _caughtUp = false;
        }
    }

    public void RemoveHead(QueuedDelivery head)
    {
        lock (_gate)
        {
            // A resend may have emptied the window while the attempt was out.
            if (_window.Count > 0 && ReferenceEquals(_window.Peek(), head))
            {
                _window.Dequeue();
                buffer.Return(1);
            }
        }
    }

    /// <summary>The lane has ended: offers are refused from now on and the memory goes back to the other lanes.</summary>
    public void Retire()
    {
        lock (_gate)
        {
            _retired = true;
            ReleaseLocked();
        }
    }

    private bool HasWorkLocked() => _window.Count > 0 || !_caughtUp || _reread;

    private void MissedLocked()
    {
        _caughtUp = false;
        _missedOffers++;
    }

    private void ReleaseLocked()
    {
        buffer.Return(_window.Count);
        _window.Clear();
    }
}
