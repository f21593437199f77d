namespace WebhookAdmin.Simulation;

/// <summary>
/// Simulated time: it stands still while the engine runs and moves only when the simulator moves it, to the next timer
/// due or by a delay the seed chose. Every timer the engine makes (<c>Task.Delay</c>, <c>WaitAsync</c>, a
/// <see cref="CancellationTokenSource"/> with a timeout) is one of these, fired on the simulator's thread.
/// </summary>
public sealed class SimClock : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Timers in due order; a timer changed or disposed leaves a stale entry behind, recognised by its version.
    private readonly PriorityQueue<(SimTimer Timer, long Version), (long Due, long Order)> _timers = new();
    private long _order;

    /// <summary>Ticks since the simulation began (never 0, which the engine reads as "never").</summary>
    public long Now { get; private set; } = TimeSpan.TicksPerSecond;

    public TimeSpan Elapsed => TimeSpan.FromTicks(Now);

    /// <summary>
    /// Set by a watchdog when one step has run too long in real time: code spinning on the clock (which stands still
    /// within a step) is stopped by the next reading of it throwing.
    /// </summary>
    public volatile bool Interrupted;

    public override DateTimeOffset GetUtcNow() => Epoch.AddTicks(Read());

    public override long GetTimestamp() => Read();

    private long Read() => Interrupted ? throw new SimulationStuckException() : Now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SimTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>When the next timer is due, if any.</summary>
    public long? NextDue
    {
        get
        {
            while (_timers.TryPeek(out var entry, out var due))
            {
                if (entry.Timer.Version == entry.Version)
                    return due.Due;
                _timers.Dequeue();
            }
            return null;
        }
    }

    /// <summary>Moves time forward to <paramref name="ticks"/> (never back), firing every timer due by then, in due order.</summary>
    public void AdvanceTo(long ticks)
    {
        while (NextDue is { } due && due <= ticks)
        {
            var (timer, _) = _timers.Dequeue();
            Now = Math.Max(Now, due);
            timer.Fire();
        }
        Now = Math.Max(Now, ticks);
    }

    public void Advance(TimeSpan by) => AdvanceTo(Now + by.Ticks);

    private void Schedule(SimTimer timer, long due) => _timers.Enqueue((timer, timer.Version), (due, _order++));

    private sealed class SimTimer(SimClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long _period = -1;
        private bool _disposed;

        public long Version { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
                return false;
            Version++;
            _period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? -1 : period.Ticks;
            if (dueTime != Timeout.InfiniteTimeSpan)
                clock.Schedule(this, clock.Now + Math.Max(0, dueTime.Ticks));
            return true;
        }

        public void Fire()
        {
            if (_period > 0)
                clock.Schedule(this, clock.Now + _period);
            else
                Version++;
            callback(state);
        }

        public void Dispose()
        {
            _disposed = true;
            Version++;
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Thrown into code that spins on the simulated clock without ever yielding.</summary>
public sealed class SimulationStuckException() : Exception("a step kept reading the clock without yielding: a livelock");
