using Microsoft.Extensions.Logging;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// One webhook's queue in motion: a small state machine that sends the webhook's deliveries strictly in sequence order,
/// one at a time, from the <see cref="LaneWindow"/> it holds, while its <see cref="LaneLease"/> lets it. Each turn
/// decides the next <see cref="Step"/> from what the lane holds, then takes it. Outcomes go to the writer without
/// waiting for them to be stored.
/// </summary>
internal sealed partial class DeliveryLane
{
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromSeconds(1);

    /// <summary>How often a lane whose lease renewal is overdue looks again whether it has come.</summary>
    private static readonly TimeSpan LeaseRecheck = TimeSpan.FromMilliseconds(100);

    private readonly LaneParts _parts;
    private readonly ILogger _logger;
    private readonly LaneWindow _window;
    private readonly LaneLease _lease;
    private readonly LaneProbe _probe = new();

    /// <summary>When the last attempt ended (a <see cref="TimeProvider"/> timestamp; 0 before the first), for the throttle.</summary>
    private long _lastAttemptAt;

    /// <param name="leaseConfirmedAt">When the lease was last known to be held (an engine clock timestamp).</param>
    public DeliveryLane(string webhookId, LaneParts parts, long leaseConfirmedAt)
    {
        WebhookId = webhookId;
        _parts = parts;
        _logger = parts.Logger;
        _window = new LaneWindow(parts.Options.LaneWindow, parts.Buffer);
        _lease = new LaneLease(parts.LeaseTerm, leaseConfirmedAt, parts.Clock, _window.Wake);
    }

    public string WebhookId { get; }

    /// <summary>The lane's run and what follows its end; set by whoever starts it.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Committed deliveries of this webhook, in sequence order. False when the lane has ended: start another.</summary>
    public bool Offer(IReadOnlyList<QueuedDelivery> deliveries) => _window.Offer(deliveries);

    /// <summary>Storage holds deliveries of this webhook the window does not (another instance committed them). False when the lane has ended.</summary>
    public bool Behind() => _window.Behind();

    /// <summary>Deliveries went back to pending out of order (a resend, news missed). False when the lane has ended.</summary>
    public bool Reread() => _window.Reread();

    /// <summary>Whether the lane has deliveries to make (in hand, or in storage beyond its window).</summary>
    public bool IsBusy => _window.HasWork;

    public void LeaseConfirmed(long at) => _lease.Confirmed(at);

    public void LeaseLost() => _lease.Lost();

    public void HandOver() => _lease.HandOver();

    /// <summary>The webhook's settings changed: a lane held by a probe looks at them again now rather than at its next recheck.</summary>
    public void Wake() => _window.Wake();

    /// <summary>Runs the lane until it ends; the result says whether its webhook is to be given back.</summary>
    public async Task<bool> RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            return await RunStepsAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped: an attempt cut short is not recorded, so it is made again at the next start. The dispatcher gives
            // every webhook back at once when it stops.
            return false;
        }
        catch (OperationCanceledException)
        {
            // The lease was lost (or went unconfirmed) during the attempt: it is not recorded, and the next holder makes it
            // again, after this one was cut off.
            LogAttemptCutOff(WebhookId);
            return false;
        }
        catch (Exception e)
        {
            LogLaneFailed(e, WebhookId);
            await Task.Delay(ErrorBackoff, _parts.Clock, CancellationToken.None);
            return true;
        }
        finally
        {
            _window.Retire();
        }
    }

    /// <summary>What a lane does next.</summary>
    private abstract record Step
    {
        /// <summary>The lane ends; <paramref name="Release"/>: its webhook is given back.</summary>
        public sealed record End(bool Release) : Step;

        /// <summary>Drop the window and read the queue from its start, once every outcome handed in is stored.</summary>
        public sealed record ReadFromStart : Step;

        /// <summary>Fill the window from storage.</summary>
        public sealed record Read : Step;

        /// <summary>Nothing to do: wait for work, or retire after the lease's idle time.</summary>
        public sealed record Idle : Step;

        /// <summary>The head is not due yet (a retry delay, the webhook's throttle).</summary>
        public sealed record Wait(TimeSpan For) : Step;

        public sealed record Send(QueuedDelivery Head, DeliveryTarget Target) : Step;

        public static readonly Step FromStart = new ReadFromStart();
        public static readonly Step Fill = new Read();
        public static readonly Step Rest = new Idle();
    }

    private async Task<bool> RunStepsAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            stoppingToken.ThrowIfCancellationRequested();
            switch (await NextStepAsync(stoppingToken))
            {
                case Step.End end:
                    return end.Release;
                case Step.ReadFromStart:
                    // So that a delivery sent but not yet recorded is not sent again.
                    await _parts.Recorder.FlushAsync(stoppingToken);
                    break;
                case Step.Read:
                    await _window.ReadAsync(_parts.Queue, WebhookId, stoppingToken);
                    break;
                case Step.Idle:
                    // Retired after its idle time: the webhook is given back, unless the lease was lost meanwhile.
                    if (!await _window.IdleAsync(_lease.IdleTimeout, _parts.Clock, stoppingToken))
                        return _lease.Holds(out var release) || release;
                    break;
                case Step.Wait wait:
                    await _window.WaitAsync(wait.For, _parts.Clock, stoppingToken);
                    break;
                case Step.Send send:
                    await SendAsync(send.Head, send.Target, stoppingToken);
                    break;
            }
        }
    }

    private async ValueTask<Step> NextStepAsync(CancellationToken stoppingToken)
    {
        if (!_lease.Holds(out var release))
            return new Step.End(release);
        if (_window.TakeReread())
            return Step.FromStart;
        var (head, mustRead) = _window.Head();
        if (head is null)
            return mustRead ? Step.Fill : Step.Rest;

        // Read before every attempt: an edit, a rotated secret or a deactivation applies from the next attempt on.
        var target = await _parts.Targets.TargetAsync(WebhookId, stoppingToken);
        if (target is not { IsActive: true })
            return new Step.End(Release: true); // paused: the backlog waits in storage and resumes, in order, when activated

        var now = _parts.Clock.GetUtcNow().UtcDateTime;
        // A webhook past its deactivation threshold sends nothing during its cool-down, then one attempt (the probe), and
        // nothing more after a failed probe until the checker decides. Its deliveries wait in storage, in order.
        if (_probe.HoldFor(target.Probe, now) is { } hold)
        {
            _window.KeepOnlyHead(head);
            return new Step.Wait(hold);
        }
        var due = head.NextAttemptAt - now;
        if (due > TimeSpan.Zero)
        {
            _window.KeepOnlyHead(head);
            return new Step.Wait(due);
        }
        // The webhook's throttle: an attempt starts at least this long after the previous one ended (not started: a
        // request slowed on its way, by a new connection say, would then arrive just before the next), so the receiver
        // never gets more than its rate limit in any second. Waited out before taking a slot, which other lanes can use.
        if (target.AttemptSpacing > TimeSpan.Zero && _lastAttemptAt != 0
            && target.AttemptSpacing - _parts.Clock.GetElapsedTime(_lastAttemptAt) is { Ticks: > 0 } pause)
            return new Step.Wait(pause);
        return new Step.Send(head, target);
    }

    private async Task SendAsync(QueuedDelivery head, DeliveryTarget target, CancellationToken stoppingToken)
    {
        var company = target.CompanyId;
        await _parts.Slots.WaitAsync(company, stoppingToken);
        // A slot may take several timeouts when other receivers hang: the webhook may have been deactivated or edited
        // meanwhile, so it is read again (from the cache) before sending. The simulator found an attempt going out 8 s
        // after its webhook was deactivated, read before a long wait for a slot.
        DeliveryTarget? current;
        try
        {
            current = await _parts.Targets.TargetAsync(WebhookId, stoppingToken);
        }
        catch
        {
            _parts.Slots.Release(company);
            throw;
        }
        // An attempt starts only when it ends (answered or timed out) before another instance can take the webhook over.
        // A probe that began meanwhile holds it too (the next turn waits it out).
        var held = current is { IsActive: true } && _probe.HoldFor(current.Probe, _parts.Clock.GetUtcNow().UtcDateTime) is not null;
        if (current is not { IsActive: true } || held || !_lease.Outlasts(_parts.Options.Timeout))
        {
            _parts.Slots.Release(company);
            if (current is { IsActive: true } && !held)
                await _window.WaitAsync(LeaseRecheck, _parts.Clock, stoppingToken);
            return; // an inactive webhook ends the lane at the next turn
        }

        AttemptWrite record;
        var probe = _probe.IsProbe(current.Probe) ? current.Probe : null;
        // The attempt's span (null when nobody listens) is the parent of HttpClient's, in the publish's trace.
        var activity = DeliveryTelemetry.StartAttempt(head, current.Url);
        try
        {
            AttemptResult result;
            using (var attempt = _lease.Attempt(stoppingToken))
            {
                try
                {
                    result = await _parts.Sender.SendAsync(current, head, attempt.Token);
                }
                finally
                {
                    _parts.Slots.Release(company);
                    _lastAttemptAt = _parts.Clock.GetTimestamp();
                }
            }
            _parts.AttemptMade();
            var now = _parts.Clock.GetUtcNow().UtcDateTime;
            record = AttemptOutcome.Apply(head, result, _parts.Options, now, probe: probe is not null);
            if (probe is not null)
            {
                _probe.Made(probe, result.Succeeded);
                LogProbe(WebhookId, result.Status, result.Succeeded);
            }
            _parts.Telemetry.Attempted(activity, head, result, record, now);
            LogAttempt(head.MessageId, WebhookId, record.Retry, result.Status, record.State);
        }
        finally
        {
            activity?.Dispose();
        }
        // A finished attempt is always handed in, even while shutting down, so it is not repeated needlessly.
        await _parts.Recorder.RecordAsync(record, CancellationToken.None);
        if (record.State != DeliveryState.Pending)
            _window.RemoveHead(head);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivery {LogId} to webhook {WebhookId}: attempt {Attempt} answered {Status}, now {State}.")]
    private partial void LogAttempt(string logId, string webhookId, int attempt, int status, DeliveryState state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Probe of failing webhook {WebhookId} answered {Status}; succeeded: {Succeeded}.")]
    private partial void LogProbe(string webhookId, int status, bool succeeded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An attempt to webhook {WebhookId} was cut off: this instance's lease was lost or went unconfirmed. The next holder makes it again.")]
    private partial void LogAttemptCutOff(string webhookId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The delivery lane of webhook {WebhookId} failed; it restarts at the next scan.")]
    private partial void LogLaneFailed(Exception e, string webhookId);
}
