namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// A lane's hold on its webhook's queue as this instance last heard of it. Exactly one instance holds a webhook at a
/// time, which keeps its deliveries in order across instances: an attempt starts only while the lease, as last confirmed,
/// outlasts the attempt's timeout, and is cut short when the lease is lost or runs out unconfirmed. With one instance
/// alone the store's term is infinite: the lease never runs out and is never lost, and the same rules cost nothing.
/// </summary>
internal sealed class LaneLease(TimeSpan term, long confirmedAt, TimeProvider clock, Action changed)
{
    /// <summary>How long an idle lane keeps a lease nobody else can want before it retires.</summary>
    private static readonly TimeSpan IdleTimeoutAlone = TimeSpan.FromSeconds(60);

    /// <summary>
    /// An idle lane holds a lease another instance may want for a webhook that gets work, so it gives it back sooner; a
    /// steady stream of events keeps its lane (and lease) busy.
    /// </summary>
    private static readonly TimeSpan IdleTimeoutShared = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private long _confirmedAt = confirmedAt;
    private State _state;
    private CancellationTokenSource? _attempt;

    private enum State
    {
        Held,
        HandingOver,
        Lost,
    }

    private bool RunsOut => term != Timeout.InfiniteTimeSpan;

    public TimeSpan IdleTimeout => RunsOut ? IdleTimeoutShared : IdleTimeoutAlone;

    /// <summary>
    /// The time left under the lease as last confirmed, less a fifth of the lease as a margin for the renewal's round trip
    /// and the receiver seeing the connection close. With <see cref="DeliveryOptions.LeaseTimeout"/> at least
    /// <see cref="DeliveryOptions.LeasePerTimeout"/> attempt timeouts there is always room for an attempt right after a
    /// renewal; a lane waits only when a renewal is overdue.
    /// </summary>
    public TimeSpan TimeLeft => RunsOut
        ? term * DeliveryOptions.LeaseUsable - clock.GetElapsedTime(Volatile.Read(ref _confirmedAt))
        : TimeSpan.MaxValue;

    /// <summary>A heartbeat renewed the lease (it was sent at <paramref name="at"/>, an engine clock timestamp): the attempt in flight may run longer.</summary>
    public void Confirmed(long at)
    {
        Volatile.Write(ref _confirmedAt, at);
        lock (_gate)
            _attempt?.CancelAfter(CutOffIn());
    }

    /// <summary>Another instance holds the webhook now: the attempt in flight is cut short (and not recorded), nothing is given back.</summary>
    public void Lost()
    {
        CancellationTokenSource? attempt;
        lock (_gate)
        {
            _state = State.Lost;
            attempt = _attempt;
        }
        changed();
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
    public void HandOver()
    {
        lock (_gate)
            _state = _state == State.Lost ? State.Lost : State.HandingOver;
        changed();
    }

    /// <summary>
    /// Whether the lane may go on. Not once the lease was lost or is being handed over, nor once no heartbeat has
    /// confirmed it for most of its term (the database may be unreachable, and another instance may take the webhook over
    /// when it runs out): better to stop early than to send beside the next holder. <paramref name="release"/> says
    /// whether the webhook is then given back: only when handing over (a lost lease is no longer ours to give).
    /// </summary>
    public bool Holds(out bool release)
    {
        State state;
        lock (_gate)
            state = _state;
        release = state != State.Lost;
        if (state == State.HandingOver)
            return false;
        if (state == State.Held && TimeLeft > TimeSpan.Zero)
            return true;
        release = false;
        return false;
    }

    /// <summary>Whether an attempt of at most <paramref name="timeout"/> ends under the lease as last confirmed.</summary>
    public bool Outlasts(TimeSpan timeout) => TimeLeft >= timeout;

    /// <summary>A token for one attempt, cancelled when the app stops, or when the lease is lost or runs out unconfirmed.</summary>
    public AttemptScope Attempt(CancellationToken stoppingToken)
    {
        // Timed by the engine's clock, so that the lease's end is the same instant for the lane and for the simulator.
        var lease = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock);
        var scope = new AttemptScope(this, lease, CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Token));
        lock (_gate)
        {
            _attempt = lease;
            if (_state == State.Lost)
                lease.Cancel();
            else
                lease.CancelAfter(CutOffIn());
        }
        return scope;
    }

    private TimeSpan CutOffIn() => RunsOut ? (TimeLeft > TimeSpan.Zero ? TimeLeft : TimeSpan.Zero) : Timeout.InfiniteTimeSpan;

    private void Ended(CancellationTokenSource lease)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_attempt, lease))
                _attempt = null;
        }
    }

    public sealed class AttemptScope(LaneLease owner, CancellationTokenSource lease, CancellationTokenSource linked) : IDisposable
    {
        public CancellationToken Token => linked.Token;

        public void Dispose()
        {
            owner.Ended(lease);
            linked.Dispose();
            lease.Dispose();
        }
    }
}
