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
/// of <see cref="DeliveryOptions.MaxConcurrentDeliveries"/> slots for at most one timeout).
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
        IDeliveryStore store, DeliveryWriter writer, DeliveryFeed feed, WebhookDirectory directory, WebhookSender sender,
        IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<DeliveryDispatcher> logger)
    {
        (Store, Writer, _feed, Directory, Sender, Options, Clock, _logger) = (store, writer, feed, directory, sender, options.Value, clock, logger);
        Slots = new SemaphoreSlim(Options.MaxConcurrentDeliveries);
        Buffer = new DeliveryBuffer(Options.MaxBufferedDeliveries);
    }

    internal IDeliveryStore Store { get; }
    internal DeliveryWriter Writer { get; }
    internal WebhookDirectory Directory { get; }
    internal WebhookSender Sender { get; }
    internal DeliveryOptions Options { get; }
    internal TimeProvider Clock { get; }
    internal ILogger Logger => _logger;
    internal SemaphoreSlim Slots { get; }
    internal DeliveryBuffer Buffer { get; }

    /// <summary>Deliveries held in memory by all lanes right now (never more than the configured buffer, plus one per lane).</summary>
    public int BufferedDeliveries => Buffer.Held;

    /// <summary>Lanes running right now.</summary>
    public int Lanes => _running.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        _feed.Attach(this);
        Directory.WebhooksChanged += OnWebhooksChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ScanAsync(stoppingToken);
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
        }
    }

    /// <summary>Starts a lane for every active webhook with pending deliveries that has none.</summary>
    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        foreach (var webhookId in await Store.ActiveWebhooksWithPendingAsync(stoppingToken))
        {
            if (!_lanes.ContainsKey(webhookId))
                LaneFor(webhookId);
        }
    }

    private async Task WaitToScanAsync(CancellationToken stoppingToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timer.CancelAfter(Options.PollInterval);
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
        while (true)
        {
            var lane = LaneFor(webhookId);
            if (lane.Reread())
                return;
            _lanes.TryRemove(KeyValuePair.Create(webhookId, lane));
        }
    }

    void IDeliveryListener.LookForWork() => _lookForWork.Writer.TryWrite(true);

    private void OnWebhooksChanged(IReadOnlyCollection<string> webhookIds) => _lookForWork.Writer.TryWrite(true);

    private void Offer(string webhookId, IReadOnlyList<QueuedDelivery> deliveries)
    {
        while (true)
        {
            var lane = LaneFor(webhookId);
            if (lane.Offer(deliveries))
                return;
            // That lane has just ended: the next turn starts a new one, which reads these from storage.
            _lanes.TryRemove(KeyValuePair.Create(webhookId, lane));
        }
    }

    private DeliveryLane LaneFor(string webhookId)
    {
        if (_lanes.TryGetValue(webhookId, out var lane))
            return lane;
        var created = new DeliveryLane(webhookId, this);
        lane = _lanes.GetOrAdd(webhookId, created);
        if (ReferenceEquals(lane, created))
        {
            _running[created] = 0;
            created.Start(_stopping);
        }
        return lane;
    }

    internal void LaneEnded(DeliveryLane lane)
    {
        _lanes.TryRemove(KeyValuePair.Create(lane.WebhookId, lane));
        _running.TryRemove(lane, out _);
        // Work may have arrived between the lane's last look and its end; a scan finds it.
        if (!_stopping.IsCancellationRequested)
            _lookForWork.Writer.TryWrite(true);
    }

    public override void Dispose()
    {
        Slots.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for pending deliveries failed; retrying shortly.")]
    private partial void LogScanFailed(Exception e);
}
