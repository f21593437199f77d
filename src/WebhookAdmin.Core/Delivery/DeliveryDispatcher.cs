using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// Delivers every webhook's events in publish order, one at a time per webhook, webhooks side by side. It runs one
/// <see cref="DeliveryLane"/> per active webhook with pending work; a hanging receiver holds only its own lane (and one
/// of <see cref="DeliveryOptions.MaxConcurrentDeliveries"/> slots for at most one timeout), and a company holds no more
/// than its share of the slots, granted in turn with the other companies' (<see cref="FairSlotGate"/>).
/// </summary>
/// <remarks>
/// The parts: the <see cref="DeliveryWriter"/> commits publishes and attempt records in batches and hands the new
/// deliveries here (<see cref="IDeliveryListener.Committed"/>); lanes take them into their windows, or read their
/// backlog from the <see cref="IDeliveryStore"/> a window at a time; the <see cref="WebhookSender"/> makes each signed
/// attempt; <see cref="AttemptOutcome"/> decides what comes next. A scan every <see cref="DeliveryOptions.PollInterval"/>
/// (and at start) finds work that nobody handed over: deliveries left by the previous run, a webhook activated again.
/// </remarks>
public sealed partial class DeliveryDispatcher : BackgroundService, IDeliveryListener
{
    private static readonly TimeSpan ScanErrorBackoff = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, DeliveryLane> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<DeliveryLane, byte> _running = new();
    private readonly Channel<bool> _lookForWork = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly DeliveryFeed _feed;
    private readonly ILogger<DeliveryDispatcher> _logger;
    private CancellationToken _stopping = new(canceled: true);

    public DeliveryDispatcher(
        IDeliveryStore store, DeliveryWriter writer, DeliveryFeed feed, IDeliveryTargets directory, IAttemptSender sender,
        DeliveryTelemetry telemetry, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<DeliveryDispatcher> logger)
    {
        (Store, Writer, _feed, Directory, Sender, Telemetry, Options, Clock, _logger) = (store, writer, feed, directory, sender, telemetry, options.Value, clock, logger);
        Slots = new FairSlotGate(Options.MaxConcurrentDeliveries, Options.ConcurrentDeliveriesPerCompany);
        Buffer = new DeliveryBuffer(Options.MaxBufferedDeliveries);
        _lastScanAt = Clock.GetTimestamp();
    }

    internal IDeliveryStore Store { get; }
    internal DeliveryWriter Writer { get; }
    internal IDeliveryTargets Directory { get; }
    internal IAttemptSender Sender { get; }
    internal DeliveryTelemetry Telemetry { get; }
    internal DeliveryOptions Options { get; }
    internal TimeProvider Clock { get; }
    internal ILogger Logger => _logger;
    internal FairSlotGate Slots { get; }
    internal DeliveryBuffer Buffer { get; }

    /// <summary>Deliveries held in memory by all lanes right now (never more than the configured buffer, plus one per lane).</summary>
    public int BufferedDeliveries => Buffer.Held;

    /// <summary>Lanes running right now.</summary>
    public int Lanes => _running.Count;

    /// <summary>
    /// Whether the dispatcher's loop is going round: it has looked for work within twice its poll interval (plus the
    /// time a scan of many webhooks may take). Always true when delivery is off on this instance.
    /// </summary>
    public bool IsAlive => !Options.Enabled
        || Clock.GetElapsedTime(Interlocked.Read(ref _lastScanAt)) < Options.PollInterval * 2 + TimeSpan.FromSeconds(10);

    private long _lastScanAt;

    /// <summary>HTTP attempts this instance has made since it started.</summary>
    public long AttemptsMade => Interlocked.Read(ref _attemptsMade);

    private long _attemptsMade;

    internal void AttemptMade() => Interlocked.Increment(ref _attemptsMade);

    // BackgroundService starts this on the thread pool; the simulator calls RunAsync itself, on its own scheduler.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>The dispatcher's loop, until <paramref name="stoppingToken"/> is cancelled and every lane has ended.</summary>
    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        if (!Options.Enabled)
            return;
        _stopping = stoppingToken;
        _feed.Attach(this);
        Directory.WebhooksChanged += OnWebhooksChanged;
        var heartbeat = Store.SharesWork ? HeartbeatAsync(stoppingToken) : Task.CompletedTask;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ScanAsync(stoppingToken);
                    Interlocked.Exchange(ref _lastScanAt, Clock.GetTimestamp());
                    await WaitToScanAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    LogScanFailed(e);
                    await Task.Delay(ScanErrorBackoff, Clock, CancellationToken.None);
                }
            }
        }
        finally
        {
            Directory.WebhooksChanged -= OnWebhooksChanged;
            _feed.Detach(this);
            // Lanes stop at their next step; whatever they finished is handed to the writer, which stores it before it stops.
            await Task.WhenAll(_running.Keys.Select(lane => lane.Completion));
            await heartbeat;
            if (Store.SharesWork)
                await LeaveAsync();
        }
    }

    /// <summary>
    /// A clean stop with several instances: once every finished attempt is stored, give all webhooks back and leave, so
    /// the others take the work over at once instead of after the lease time.
    /// </summary>
    private async Task LeaveAsync()
    {
        try
        {
            await Writer.FlushAsync();
            await Store.LeaveAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            LogLeaveFailed(e);
        }
    }

    /// <summary>
    /// Every third of the lease time: renew the leases of the running lanes, stop those whose lease another instance
    /// took, and hand over what is above this instance's fair share (an instance that just joined finds the webhooks
    /// with work all held by the others; this is how it gets some).
    /// </summary>
    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Options.LeaseTimeout / 3, Clock, stoppingToken);
                var lanes = _lanes.Values.ToArray();
                var sentAt = Clock.GetTimestamp();
                var renewal = await Store.RenewAsync(lanes.Select(l => l.WebhookId).ToArray(), stoppingToken);
                var held = new List<DeliveryLane>();
                foreach (var lane in lanes)
                {
                    if (renewal.Held.Contains(lane.WebhookId))
                    {
                        lane.LeaseConfirmed(sentAt);
                        held.Add(lane);
                    }
                    else
                    {
                        lane.LeaseLost();
                    }
                }
                // Only lanes with work count (an idle one gives its webhook back soon anyway). One above the share is
                // tolerated, or two instances with an odd number of webhooks would pass one back and forth.
                foreach (var lane in held.Where(l => l.IsBusy).Skip(renewal.FairShare + 1))
                    lane.HandOver();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Lanes stop on their own when their lease goes unconfirmed for most of its time.
                LogHeartbeatFailed(e);
            }
        }
    }

    /// <summary>Starts a lane for every active webhook with pending deliveries that has none (and, with several instances, that this one now holds).</summary>
    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        var lanes = _lanes.Values.ToArray();
        // A lane that lost its lease may have handed in attempt records the database has not taken yet (it was out of
        // reach). Were this instance to claim the webhook again first, such a record would be written under the new
        // lease, over the attempt the holder in between recorded under the same number. So what ended before this scan
        // is stored, or fenced off, before anything is claimed. (Found by the simulator: 100,000 seeds, seed 12026.)
        if (Store.SharesWork && Writer.HoldsUnrecordedAttempts)
            await Writer.FlushAsync(stoppingToken);
        var claimedAt = Clock.GetTimestamp();
        foreach (var webhookId in await Store.ClaimWorkAsync(lanes.Select(l => l.WebhookId).ToArray(), lanes.Count(l => l.IsBusy), stoppingToken))
        {
            if (!_lanes.ContainsKey(webhookId))
                LaneFor(webhookId, claimedAt);
        }
    }

    private async Task WaitToScanAsync(CancellationToken stoppingToken)
    {
        // The interval is timed by the engine's clock (a simulated one under test), not by the system's timers.
        using var interval = new CancellationTokenSource(Options.PollInterval, Clock);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token);
        try
        {
            await _lookForWork.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The poll interval passed with nothing to look for.
        }
    }

    void IDeliveryListener.Committed(IReadOnlyList<QueuedDelivery> deliveries)
    {
        // In sequence order overall, so each webhook's share is in sequence order too.
        if (deliveries.Count > 0 && deliveries.All(d => d.WebhookId == deliveries[0].WebhookId))
        {
            Offer(deliveries[0].WebhookId, deliveries);
            return;
        }
        foreach (var group in deliveries.GroupBy(d => d.WebhookId, StringComparer.Ordinal))
            Offer(group.Key, group.ToList());
    }

    void IDeliveryListener.Reread(string webhookId)
    {
        if (Store.SharesWork)
        {
            // Only the instance holding the webhook delivers it; one that claims it later reads from the start anyway.
            if (_lanes.TryGetValue(webhookId, out var held))
                held.Reread();
            return;
        }
        while (true)
        {
            var lane = LaneFor(webhookId);
            if (lane.Reread())
                return;
            _lanes.TryRemove(KeyValuePair.Create(webhookId, lane));
        }
    }

    void IDeliveryListener.LookForWork() => _lookForWork.Writer.TryWrite(true);

    void IDeliveryListener.RemoteWork(IReadOnlyCollection<string>? webhookIds)
    {
        var unheld = webhookIds is null;
        foreach (var lane in webhookIds is null ? _lanes.Values : webhookIds.Select(id => _lanes.GetValueOrDefault(id)))
        {
            if (lane is null)
                unheld = true;
            else
                lane.Behind();
        }
        if (unheld)
            _lookForWork.Writer.TryWrite(true);
    }

    void IDeliveryListener.NewsMissed()
    {
        // Reading forward from the last delivery known would strand a missed resend behind steady traffic.
        foreach (var lane in _lanes.Values)
            lane.Reread();
        _lookForWork.Writer.TryWrite(true);
    }

    private void OnWebhooksChanged(IReadOnlyCollection<string> webhookIds) => _lookForWork.Writer.TryWrite(true);

    private void Offer(string webhookId, IReadOnlyList<QueuedDelivery> deliveries)
    {
        if (Store.SharesWork)
        {
            // A lane runs only for a webhook this instance holds; any other is claimed (or held elsewhere) first. The
            // held lane reads these from storage rather than taking them in hand: another instance may have committed
            // deliveries of this webhook just before them whose NOTIFY has not arrived yet, and taking these first would
            // send them ahead. Storage has both in order (publishing is serialized per company, so commit order is
            // sequence order). It costs a read per window instead of none, on the path where a read is cheap next to
            // the network round trips of sharing.
            if (!_lanes.TryGetValue(webhookId, out var held) || !held.Behind())
                _lookForWork.Writer.TryWrite(true);
            return;
        }
        while (true)
        {
            var lane = LaneFor(webhookId);
            if (lane.Offer(deliveries))
                return;
            // That lane has just ended: the next turn starts a new one, which reads these from storage.
            _lanes.TryRemove(KeyValuePair.Create(webhookId, lane));
        }
    }

    private DeliveryLane LaneFor(string webhookId, long? leaseConfirmedAt = null)
    {
        if (_lanes.TryGetValue(webhookId, out var lane))
            return lane;
        var created = new DeliveryLane(webhookId, this);
        lane = _lanes.GetOrAdd(webhookId, created);
        if (ReferenceEquals(lane, created))
        {
            _running[created] = 0;
            created.Start(leaseConfirmedAt ?? Clock.GetTimestamp(), _stopping);
        }
        return lane;
    }

    /// <summary>
    /// With several instances, a lane that stops of its own accord gives its webhook back, once its attempts are stored
    /// (the next holder reads the queue from the first delivery not recorded). It stays registered meanwhile, so that
    /// no new lane starts for the webhook before the lease is back.
    /// </summary>
    internal async Task LaneEndedAsync(DeliveryLane lane, bool release)
    {
        if (Store.SharesWork && release && !_stopping.IsCancellationRequested)
        {
            try
            {
                await Writer.FlushAsync();
                await Store.ReleaseAsync([lane.WebhookId], CancellationToken.None);
            }
            catch (Exception e)
            {
                // The lease runs out on its own.
                LogReleaseFailed(e, lane.WebhookId);
            }
        }
        _lanes.TryRemove(KeyValuePair.Create(lane.WebhookId, lane));
        _running.TryRemove(lane, out _);
        // Work may have arrived between the lane's last look and its end; a scan finds it.
        if (!_stopping.IsCancellationRequested)
            _lookForWork.Writer.TryWrite(true);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for pending deliveries failed; retrying shortly.")]
    private partial void LogScanFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing this instance's delivery leases failed; lanes stop if it keeps failing.")]
    private partial void LogHeartbeatFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Giving webhook {WebhookId} back failed; its lease runs out on its own.")]
    private partial void LogReleaseFailed(Exception e, string webhookId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Giving the webhooks back at shutdown failed; their leases run out on their own.")]
    private partial void LogLeaveFailed(Exception e);
}
