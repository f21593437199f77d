using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// The one door to the delivery tables (a group commit). Publishers and lanes hand it writes; it takes everything that
/// has arrived, commits it as one transaction (one flush to disk for all of it), then answers every publisher of that
/// batch and tells the dispatcher and open logs tabs what changed. While one batch is being committed the next one
/// gathers, so the busier the system, the more each flush carries. Where the store commits publishes apart
/// (<see cref="IDeliveryStore.CommitsPublishesApart"/>: PostgreSQL), publishes and attempt records each have such a
/// loop, so a publisher does not also wait for the attempt records' commit in flight.
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
public sealed partial class DeliveryWriter : IAttemptRecorder, IHostedService, IAsyncDisposable, IDisposable
{
    /// <summary>
    /// Rows per transaction. Large enough that a flush is shared by hundreds of writes, small enough that an admin's
    /// edit waiting for SQLite's write lock is not held up for more than a few milliseconds.
    /// </summary>
    private const int BatchRows = 4096;

    /// <summary>Attempt records waiting past which they are committed without gathering more: the fixed cost is shared enough.</summary>
    private const int EnoughRecords = 512;

    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);

    private readonly Channel<Unit> _queue = Channel.CreateUnbounded<Unit>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Publishes, when the store commits them apart from attempt records (see <see cref="IDeliveryStore.CommitsPublishesApart"/>).</summary>
    private readonly Channel<Unit>? _publishes;
    private readonly SemaphoreSlim _attemptRoom;
    private readonly int _maxUnrecorded;
    private readonly TimeSpan _recordGathering;
    private readonly IDeliveryStore _store;
    private readonly DeliveryFeed _feed;
    private readonly LogNotifications _notifications;

    /// <summary>Told of each delivery that failed its last automatic attempt, once that is stored (null: nobody listens).</summary>
    private readonly Notices.NoticeQueue? _notices;
    private readonly ILogger<DeliveryWriter> _logger;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private volatile bool _droppingRecords;

    /// <summary>Set by the records' loop while it gathers; a flush completes it so nothing waits out the gathering.</summary>
    private TaskCompletionSource? _gathering;

    /// <summary>1 once a flush is handed in and the records' loop has not yet seen it (read with <see cref="_gathering"/>).</summary>
    private int _flushAsked;

    private int _disposed;

    // For the health check: units handed in and not finished, when the writer last got an answer from the database
    // (Environment.TickCount64), and whether its last commit failed for the database's state.
    private int _waiting;
    private long _answeredAt = Environment.TickCount64;
    private volatile bool _failing;

    private static readonly Exception DroppedAtShutdown = new OperationCanceledException("The app stopped before this attempt could be recorded.");

    public DeliveryWriter(
        IDeliveryStore store, DeliveryFeed feed, LogNotifications notifications, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<DeliveryWriter> logger,
        Notices.NoticeQueue? notices = null)
    {
        _notices = notices;
        _clock = clock;
        _store = store;
        _feed = feed;
        _notifications = notifications;
        _logger = logger;
        _maxUnrecorded = options.Value.MaxUnrecordedAttempts;
        _attemptRoom = new SemaphoreSlim(_maxUnrecorded);
        _recordGathering = options.Value.RecordGathering;
        if (store.CommitsPublishesApart)
            _publishes = Channel.CreateUnbounded<Unit>(new UnboundedChannelOptions { SingleReader = true });
    }

    /// <summary>Whether the writer's loop is running (from the host's start until it stops).</summary>
    public bool IsRunning => Volatile.Read(ref _loop) is { IsCompleted: false };

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
        Enqueue(unit, _publishes ?? _queue);
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
        Enqueue(new Unit([attempt], null), _queue);
    }

    /// <summary>Returns once everything handed in before the call is committed.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var units = new List<Unit>(2);
        foreach (var queue in Queues)
        {
            var unit = new Unit([], Waiter());
            Enqueue(unit, queue);
            units.Add(unit);
        }
        // After the units are queued, so the loop that sees the flag finds them.
        Interlocked.Exchange(ref _flushAsked, 1);
        Volatile.Read(ref _gathering)?.TrySetResult();
        return Task.WhenAll(units.Select(u => u.Done!.Task)).WaitAsync(cancellationToken);
    }

    private IEnumerable<Channel<Unit>> Queues => _publishes is null ? [_queue] : [_queue, _publishes];

    private void Enqueue(Unit unit, Channel<Unit> queue)
    {
        // The first write after a quiet spell starts the clock, unless the database was already failing us.
        if (Interlocked.Increment(ref _waiting) == 1 && !_failing)
            Interlocked.Exchange(ref _answeredAt, Environment.TickCount64);
        if (!queue.Writer.TryWrite(unit))
        {
            Interlocked.Decrement(ref _waiting);
            throw new InvalidOperationException("The delivery writer has stopped: the app is shutting down.");
        }
    }

    private static TaskCompletionSource Waiter() => EngineTasks.Signal();

    /// <summary>Starts the writer's loop (the host calls it before the app takes requests; a test harness without a host may too).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_queue)
            _loop ??= Task.WhenAll(Queues.Select(queue => EngineTasks.Start(() => RunAsync(queue.Reader))).ToList());
        return Task.CompletedTask;
    }

    /// <summary>
    /// Whatever was handed in before the stop is still committed; nothing new is taken. A database that refuses writes
    /// gets a few seconds (or until the host's shutdown time runs out), then the records still waiting are given up
    /// (their deliveries are sent again at the next start).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in Queues)
            queue.Writer.TryComplete();
        Task? loop;
        lock (_queue)
            loop = _loop;
        if (loop is null)
            return;
        try
        {
            await loop.WaitAsync(ShutdownGrace, _clock, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            _stopping.Cancel();
            await loop;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await StopAsync(CancellationToken.None);
        _stopping.Cancel();
        _stopping.Dispose();
        _attemptRoom.Dispose();
    }

    /// <summary>
    /// A container disposed without its host stopped first: nothing new is taken and the loop is told to give up what is
    /// left, without waiting for it (the host's <see cref="StopAsync"/> is where the writer drains).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        foreach (var queue in Queues)
            queue.Writer.TryComplete();
        _stopping.Cancel();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A publish was not committed within {Timeout}; answered as unavailable (taken out of the queue: {Dropped}).")]
    private partial void LogStoreTimedOut(TimeSpan timeout, bool dropped);
}
