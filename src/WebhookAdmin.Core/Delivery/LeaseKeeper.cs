using Microsoft.Extensions.Logging;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// The engine's side of the store's leases. Every third of the lease time it renews the running lanes' leases, stops
/// those another instance took, and hands over what is above this instance's fair share (an instance that just joined
/// finds the webhooks with work all held by the others; this is how it gets some). It gives a webhook back when its
/// lane ends, and everything back at a clean stop, each time once the lane's records are stored. With one instance
/// alone the store holds every lease for good, and each of these costs nothing.
/// </summary>
internal sealed partial class LeaseKeeper(IDeliveryStore store, IAttemptRecorder recorder, DeliveryOptions options, TimeProvider clock, ILogger logger)
{
    private readonly ILogger _logger = logger;

    /// <summary>Renews the leases of the lanes <paramref name="lanes"/> gives, until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(Func<IReadOnlyCollection<DeliveryLane>> lanes, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.LeaseTimeout / 3, clock, stoppingToken);
                await RenewAsync(lanes(), stoppingToken);
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

    private async Task RenewAsync(IReadOnlyCollection<DeliveryLane> lanes, CancellationToken stoppingToken)
    {
        var sentAt = clock.GetTimestamp();
        var renewal = await store.RenewAsync(lanes.Select(l => l.WebhookId).ToArray(), stoppingToken);
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
        // Only lanes with work count (an idle one gives its webhook back soon anyway). One above the share is tolerated,
        // or two instances with an odd number of webhooks would pass one back and forth. (A share of int.MaxValue, one
        // instance alone, must not wrap around to "none".)
        var tolerated = (int)Math.Min(int.MaxValue, renewal.FairShare + 1L);
        foreach (var lane in held.Where(l => l.IsBusy).Skip(tolerated))
            lane.HandOver();
    }

    /// <summary>Gives the webhook of a lane that stopped of its own accord back, once its records are stored (the next holder reads from the first one not recorded).</summary>
    public async Task ReleaseAsync(string webhookId)
    {
        try
        {
            await recorder.FlushAsync();
            await store.ReleaseAsync([webhookId], CancellationToken.None);
        }
        catch (Exception e)
        {
            // The lease runs out on its own.
            LogReleaseFailed(e, webhookId);
        }
    }

    /// <summary>
    /// A clean stop: once every finished attempt is stored, give all webhooks back and leave, so the other instances take
    /// the work over at once instead of after the lease time.
    /// </summary>
    public async Task LeaveAsync()
    {
        try
        {
            await recorder.FlushAsync();
            await store.LeaveAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            LogLeaveFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing this instance's delivery leases failed; lanes stop if it keeps failing.")]
    private partial void LogHeartbeatFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Giving webhook {WebhookId} back failed; its lease runs out on its own.")]
    private partial void LogReleaseFailed(Exception e, string webhookId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Giving the webhooks back at shutdown failed; their leases run out on their own.")]
    private partial void LogLeaveFailed(Exception e);
}
