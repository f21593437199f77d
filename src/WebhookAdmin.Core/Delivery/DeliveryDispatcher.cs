using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// Runs one lane per webhook with pending work. A lane sends its webhook's deliveries strictly in publish order,
/// one at a time, waiting out retry delays itself; lanes run side by side, so a hanging receiver only holds its own
/// lane (and one of <see cref="DeliveryOptions.MaxConcurrentDeliveries"/> slots for at most one timeout).
/// The loop starts lanes when the <see cref="DeliverySignal"/> rings (a publish, a lane ending) or the poll timer fires.
/// </summary>
public sealed partial class DeliveryDispatcher(
    DeliveryQueue queue,
    WebhookSender sender,
    DeliveryLogWriter logWriter,
    DeliverySignal signal,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    ILogger<DeliveryDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan LaneErrorBackoff = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, Task> _lanes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentDeliveries);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Deliveries left pending (or in flight) by the previous run are found by the first scan, no signal needed.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var webhookId in await queue.WebhooksWithWorkAsync(stoppingToken))
                    StartLane(webhookId, stoppingToken);
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogScanFailed(e);
                await Task.Delay(LaneErrorBackoff, clock, CancellationToken.None);
            }
        }
        // Shutdown: lanes stop at their next step; an attempt cut short is not recorded, so it is made again next start.
        await Task.WhenAll(_lanes.Values);
    }

    /// <summary>Only this loop adds lanes, so check-then-add cannot race; a lane removes itself when it ends.</summary>
    private void StartLane(string webhookId, CancellationToken stoppingToken)
    {
        if (_lanes.ContainsKey(webhookId))
            return;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _lanes[webhookId] = RunLaneAsync(webhookId, go.Task, stoppingToken);
        go.SetResult();
    }

    private async Task RunLaneAsync(string webhookId, Task registered, CancellationToken stoppingToken)
    {
        await registered;
        try
        {
            while (await queue.HeadAsync(webhookId, stoppingToken) is { } head)
            {
                var wait = head.NextAttemptAt - clock.GetUtcNow().UtcDateTime;
                if (wait > TimeSpan.Zero)
                {
                    // Re-read the head afterwards: the webhook may have been deactivated or edited meanwhile.
                    await Task.Delay(wait, clock, stoppingToken);
                    continue;
                }

                AttemptResult result;
                await _slots.WaitAsync(stoppingToken);
                try
                {
                    result = await sender.SendAsync(head.Request, stoppingToken);
                }
                finally
                {
                    _slots.Release();
                }
                // A finished attempt is always recorded, even while shutting down, so it is not repeated needlessly.
                var log = await logWriter.RecordAsync(head, result, CancellationToken.None);
                LogAttempt(head.LogId, webhookId, log.Retry, result.Status, log.State);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Released: the head stays pending with its attempt count, and is picked up again at the next start.
        }
        catch (Exception e)
        {
            LogLaneFailed(e, webhookId);
            await Task.Delay(LaneErrorBackoff, clock, CancellationToken.None);
        }
        finally
        {
            _lanes.TryRemove(webhookId, out _);
            // Work may have arrived between the lane's last look and its removal; a rescan finds it.
            if (!stoppingToken.IsCancellationRequested)
                signal.Notify();
        }
    }

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivery {LogId} to webhook {WebhookId}: attempt {Attempt} answered {Status}, now {State}.")]
    private partial void LogAttempt(string logId, string webhookId, int attempt, int status, Logs.DeliveryState state);

    [LoggerMessage(Level = LogLevel.Error, Message = "The delivery lane of webhook {WebhookId} failed; it restarts at the next scan.")]
    private partial void LogLaneFailed(Exception e, string webhookId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for pending deliveries failed; retrying shortly.")]
    private partial void LogScanFailed(Exception e);
}
