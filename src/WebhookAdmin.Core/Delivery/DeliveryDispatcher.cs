using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// Delivers every webhook's events in publish order, one at a time per webhook, webhooks side by side. It runs one
/// <see cref="DeliveryLane"/> per webhook with pending work whose lease this instance holds; a hanging receiver holds
/// only its own lane (and one of <see cref="DeliveryOptions.MaxConcurrentDeliveries"/> slots for at most one timeout),
/// and a company holds no more than its share of the slots, granted in turn with the other companies'
/// (<see cref="FairSlotGate"/>).
/// </summary>
/// <remarks>
/// The parts: the <see cref="DeliveryWriter"/> commits publishes and attempt records in batches and passes the new
/// deliveries on (<see cref="IDeliveryListener"/>): in hand when the store says the commit holds the queue's order or
/// what was pending before each (<see cref="QueuedDelivery.PendingBefore"/>), as news to read from storage otherwise.
/// Lanes take them into their windows, or read their backlog a window at a time; the <see cref="IAttemptSender"/> makes
/// each attempt; <see cref="AttemptOutcome"/> decides what comes next; the <see cref="LeaseKeeper"/> keeps the leases.
/// A scan every <see cref="DeliveryOptions.PollInterval"/>, at start, and whenever news names a webhook without a lane
/// that no other instance is known to hold, claims work and starts lanes: deliveries left by the previous run, a
/// webhook activated again, a webhook another instance let go. The engine has one path: how instances share a store is
/// the store's contract (<see cref="IDeliveryStore.LeaseTerm"/>, <see cref="EventWrite.HandedToLanes"/>).
/// </remarks>
public sealed partial class DeliveryDispatcher : BackgroundService, IDeliveryListener
{
    private static readonly TimeSpan ScanErrorBackoff = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, DeliveryLane> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<DeliveryLane, byte> _running = new();
    private readonly Channel<bool> _lookForWork = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly IDeliveryStore _store;
    private readonly IAttemptRecorder _recorder;
    private readonly DeliveryFeed _feed;
    private readonly IDeliveryTargets _targets;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _clock;
    private readonly LaneParts _parts;
    private readonly LeaseKeeper _leases;
    private readonly ILogger<DeliveryDispatcher> _logger;
    private CancellationToken _stopping = new(canceled: true);
    private long _lastScanAt;

    /// <summary>
    /// Webhooks without a lane here that news named since the last claim: the claim says which of them another instance
    /// holds (<see cref="_heldElsewhere"/>).
    /// </summary>
    private readonly ConcurrentDictionary<string, byte> _askedAbout = new(StringComparer.Ordinal);

    /// <summary>
    /// Webhooks another instance holds, with the engine clock's timestamp when its lease runs out at the latest, as the
    /// last claim saw it: news of them starts no claim before then (with several instances publishing for one webhook,
    /// each publish would otherwise cost every other instance a heartbeat and a claim). A webhook given back is forgotten
    /// at once (<see cref="IDeliveryListener.Released"/>).
    /// </summary>
    private readonly ConcurrentDictionary<string, long> _heldElsewhere = new(StringComparer.Ordinal);

    /// <summary>Counts the give-backs heard of, so a claim that overlapped one does not remember a lease already given back.</summary>
    private long _releasesHeard;

    /// <summary>Set when a lane ended without giving its webhook back (its lease was lost or ran out): see <see cref="ScanAsync"/>.</summary>
    private int _leaseLostSinceScan;

    public DeliveryDispatcher(
        IDeliveryStore store, IAttemptRecorder recorder, DeliveryFeed feed, IDeliveryTargets targets, IAttemptSender sender,
        DeliveryTelemetry telemetry, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<DeliveryDispatcher> logger)
    {
        (_store, _recorder, _feed, _targets, _options, _clock, _logger) = (store, recorder, feed, targets, options.Value, clock, logger);
        _parts = new LaneParts
        {
            Queue = store,
            Recorder = recorder,
            Targets = targets,
            Sender = sender,
            Slots = new FairSlotGate(_options.MaxConcurrentDeliveries, _options.ConcurrentDeliveriesPerCompany),
            Buffer = new DeliveryBuffer(_options.MaxBufferedDeliveries),
            Telemetry = telemetry,
            Options = _options,
            Clock = clock,
            LeaseTerm = store.LeaseTerm,
            Logger = logger,
        };
        _leases = new LeaseKeeper(store, recorder, _options, clock, logger);
        _lastScanAt = clock.GetTimestamp();
    }

    /// <summary>Deliveries held in memory by all lanes right now (never more than the configured buffer, plus one per lane).</summary>
    public int BufferedDeliveries => _parts.Buffer.Held;

    /// <summary>Lanes running right now.</summary>
    public int Lanes => _running.Count;

    /// <summary>HTTP attempts this instance has made since it started.</summary>
    public long AttemptsMade => _parts.AttemptsMade;

    /// <summary>Times this instance has asked the store for work since it started (each a heartbeat and a claim with several instances).</summary>
    public long Claims => Interlocked.Read(ref _claims);

    private long _claims;

    /// <summary>
    /// Whether the dispatcher's loop is going round: it has looked for work within twice its poll interval (plus the
    /// time a scan of many webhooks may take). Always true when delivery is off on this instance.
    /// </summary>
    public bool IsAlive => !_options.Enabled
        || _clock.GetElapsedTime(Interlocked.Read(ref _lastScanAt)) < _options.PollInterval * 2 + TimeSpan.FromSeconds(10);

    // BackgroundService starts this on the thread pool; the simulator calls RunAsync itself, on its own scheduler.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>The dispatcher's loop, until <paramref name="stoppingToken"/> is cancelled and every lane has ended.</summary>
    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
            return;
        _stopping = stoppingToken;
        _feed.Attach(this);
        _targets.WebhooksChanged += OnWebhooksChanged;
        var heartbeat = _leases.RunAsync(() => _lanes.Values.ToArray(), stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ScanAsync(stoppingToken);
                    Interlocked.Exchange(ref _lastScanAt, _clock.GetTimestamp());
                    await WaitToScanAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    LogScanFailed(e);
                    await EngineTasks.PauseAsync(ScanErrorBackoff, _clock, stoppingToken);
                }
            }
        }
        finally
        {
            _targets.WebhooksChanged -= OnWebhooksChanged;
            _feed.Detach(this);
            // Lanes stop at their next step; whatever they finished is handed to the writer, which stores it before it stops.
            await Task.WhenAll(_running.Keys.Select(lane => lane.Completion));
            await heartbeat;
            await _leases.LeaveAsync();
        }
    }

    /// <summary>Starts a lane for every webhook with pending deliveries that the store lets this instance deliver and that has none.</summary>
    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        var lanes = _lanes.Values.ToArray();
        // A lane that lost its lease may have handed in attempt records the database has not taken yet (it was out of
        // reach). Were this instance to claim the webhook again first, such a record would be written under the new
        // lease, over the attempt the holder in between recorded under the same number. So what ended before this scan
        // is stored, or fenced off, before anything is claimed. (Found by the simulator: 100,000 seeds, seed 12026.)
        if (Interlocked.Exchange(ref _leaseLostSinceScan, 0) == 1)
        {
            try
            {
                await _recorder.FlushAsync(stoppingToken);
            }
            catch
            {
                Volatile.Write(ref _leaseLostSinceScan, 1);
                throw;
            }
        }
        var claimedAt = _clock.GetTimestamp();
        var releasesBefore = Interlocked.Read(ref _releasesHeard);
        var asked = TakeAskedAbout();
        Interlocked.Increment(ref _claims);
        WorkClaim claim;
        try
        {
            claim = await _store.ClaimWorkAsync(lanes.Select(l => l.WebhookId).ToArray(), lanes.Count(l => l.IsBusy), asked, stoppingToken);
        }
        catch
        {
            foreach (var webhookId in asked)
                _askedAbout.TryAdd(webhookId, 0);
            throw;
        }
        // Timed from before the claim was sent, so the memory runs out no later than the lease itself.
        if (Interlocked.Read(ref _releasesHeard) == releasesBefore)
        {
            foreach (var (webhookId, left) in claim.HeldElsewhere)
                _heldElsewhere[webhookId] = claimedAt + (long)(left.TotalSeconds * _clock.TimestampFrequency);
        }
        else if (claim.HeldElsewhere.Count > 0)
        {
            LookForWork();
        }
        foreach (var webhookId in claim.Claimed)
        {
            _heldElsewhere.TryRemove(webhookId, out _);
            StartLane(webhookId, claimedAt);
        }
    }

    private string[] TakeAskedAbout()
    {
        var asked = _askedAbout.Keys.ToArray();
        foreach (var webhookId in asked)
            _askedAbout.TryRemove(webhookId, out _);
        return asked;
    }

    /// <summary>Whether another instance holds the webhook, as far as this one knows; a memory that ran out is dropped.</summary>
    private bool HeldElsewhere(string webhookId)
    {
        if (!_heldElsewhere.TryGetValue(webhookId, out var until))
            return false;
        if (_clock.GetTimestamp() < until)
            return true;
        _heldElsewhere.TryRemove(KeyValuePair.Create(webhookId, until));
        return false;
    }

    private async Task WaitToScanAsync(CancellationToken stoppingToken)
    {
        // The interval is timed by the engine's clock (a simulated one under test), not by the system's timers.
        using var interval = new CancellationTokenSource(_options.PollInterval, _clock);
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

    private void StartLane(string webhookId, long leaseConfirmedAt)
    {
        if (_lanes.ContainsKey(webhookId))
            return;
        var lane = new DeliveryLane(webhookId, _parts, leaseConfirmedAt);
        if (!_lanes.TryAdd(webhookId, lane))
            return;
        _running[lane] = 0;
        var stoppingToken = _stopping;
        lane.Completion = EngineTasks.Start(async () => await LaneEndedAsync(lane, await lane.RunAsync(stoppingToken)));
    }

    /// <summary>
    /// A lane that stopped of its own accord gives its webhook back, once its attempts are stored. It stays registered
    /// meanwhile, so that no new lane starts for the webhook before the lease is back.
    /// </summary>
    private async Task LaneEndedAsync(DeliveryLane lane, bool release)
    {
        if (!release)
            Volatile.Write(ref _leaseLostSinceScan, 1);
        else if (!_stopping.IsCancellationRequested)
            await _leases.ReleaseAsync(lane.WebhookId);
        _lanes.TryRemove(KeyValuePair.Create(lane.WebhookId, lane));
        _running.TryRemove(lane, out _);
        // Work may have arrived between the lane's last look and its end; a scan finds it.
        if (!_stopping.IsCancellationRequested)
            LookForWork();
    }

    private void LookForWork() => _lookForWork.Writer.TryWrite(true);

    private void OnWebhooksChanged(IReadOnlyCollection<string> webhookIds)
    {
        // A lane held by a probe sleeps until its cool-down ends: a probe cleared or a webhook deactivated meanwhile must
        // not wait for that.
        foreach (var webhookId in webhookIds)
        {
            if (_lanes.TryGetValue(webhookId, out var lane))
                lane.Wake();
        }
        LookForWork();
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

    // A webhook without a running lane is claimed by the next scan, whose lane reads its queue from the start; on a
    // shared store only if no other instance is known to hold it (as for news from another instance).
    private void Offer(string webhookId, IReadOnlyList<QueuedDelivery> deliveries)
    {
        if (_lanes.TryGetValue(webhookId, out var lane))
        {
            if (!lane.Offer(deliveries))
                LookForWork();
        }
        else if (deliveries[0].PendingBefore is null)
        {
            LookForWork();
        }
        else
        {
            ((IDeliveryListener)this).RemoteWork([webhookId]);
        }
    }

    void IDeliveryListener.Reread(string webhookId)
    {
        if (!_lanes.TryGetValue(webhookId, out var lane) || !lane.Reread())
            LookForWork();
    }

    void IDeliveryListener.LookForWork() => LookForWork();

    void IDeliveryListener.RemoteWork(IReadOnlyCollection<string>? webhookIds)
    {
        if (webhookIds is null)
        {
            foreach (var lane in _lanes.Values)
                lane.Behind();
            LookForWork();
            return;
        }
        var claimable = false;
        foreach (var webhookId in webhookIds)
        {
            if (_lanes.TryGetValue(webhookId, out var lane))
            {
                // A lane that is ending cannot take news: the next claim looks at its webhook again.
                claimable |= !lane.Behind();
            }
            else if (!HeldElsewhere(webhookId))
            {
                _askedAbout.TryAdd(webhookId, 0);
                claimable = true;
            }
        }
        if (claimable)
            LookForWork();
    }

    void IDeliveryListener.Released(IReadOnlyCollection<string>? webhookIds)
    {
        Interlocked.Increment(ref _releasesHeard);
        var forgotten = false;
        if (webhookIds is null)
        {
            forgotten = !_heldElsewhere.IsEmpty;
            _heldElsewhere.Clear();
        }
        else
        {
            foreach (var webhookId in webhookIds)
                forgotten |= _heldElsewhere.TryRemove(webhookId, out _);
        }
        // Only news this instance let pass for the webhooks needs a claim now; the others' claims were never put off.
        if (forgotten)
            LookForWork();
    }

    void IDeliveryListener.NewsMissed()
    {
        // Reading forward from the last delivery known would strand a missed resend behind steady traffic.
        foreach (var lane in _lanes.Values)
            lane.Reread();
        // A give-back may be among what was missed.
        Interlocked.Increment(ref _releasesHeard);
        _heldElsewhere.Clear();
        LookForWork();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for pending deliveries failed; retrying shortly.")]
    private partial void LogScanFailed(Exception e);
}
