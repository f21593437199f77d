using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// What the delivery engine tells operators, in .NET's own instruments (OpenTelemetry, when the host adds it, exports
/// them; without it they cost nothing): metrics under <see cref="Name"/>, and a trace from each publish to each of its
/// delivery attempts (the publish's trace context is stored with the event, so a delivery made after a restart, or by
/// another instance, still joins its trace).
/// </summary>
public sealed class DeliveryTelemetry : IDisposable
{
    public const string Name = "WebhookAdmin.Delivery";

    public static readonly ActivitySource Source = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _webhookFailures;
    private readonly ObservableGauge<long> _pending;
    private volatile BacklogSnapshot? _backlog = new(0, 0, null);

    public DeliveryTelemetry(IMeterFactory meters, TimeProvider clock)
    {
        _meter = meters.Create(Name);
        _deliveries = _meter.CreateCounter<long>("webhookadmin.deliveries", "{delivery}", "Deliveries finished, by result (succeeded, failed).");
        _attempts = _meter.CreateCounter<long>("webhookadmin.attempts", "{attempt}", "HTTP attempts made, by result (success, failure).");
        _latency = _meter.CreateHistogram<double>("webhookadmin.delivery.latency", "ms", "From the publish to the attempt that delivered.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 5_000, 30_000, 60_000, 300_000] });
        _webhookFailures = _meter.CreateCounter<long>("webhookadmin.webhook.failures", "{delivery}", "Deliveries that failed for good, by webhook.");
        // The backlog is the cluster's: with several instances only the one sampling it reports it (a sum over the
        // instances' series stays right); the others report no value rather than a stale one.
        _pending = _meter.CreateObservableGauge("webhookadmin.deliveries.pending", () => Report(b => (long)b.Pending), "{delivery}", "Deliveries waiting for their first attempt.");
        _meter.CreateObservableGauge("webhookadmin.deliveries.retrying", () => Report(b => (long)b.Retrying), "{delivery}", "Deliveries waiting for a retry.");
        _meter.CreateObservableGauge("webhookadmin.deliveries.oldest_pending_age",
            () => Report(b => b.OldestCreatedAt is { } oldest ? Math.Max(0, (clock.GetUtcNow().UtcDateTime - oldest).TotalSeconds) : 0),
            "s", "Age of the oldest delivery not yet finished.");
    }

    /// <summary>Starts the span of one attempt, as a child of the publish that queued the delivery when its trace is known.</summary>
    public static Activity? StartAttempt(QueuedDelivery delivery, string url)
    {
        if (!Source.HasListeners())
            return null;
        ActivityContext.TryParse(delivery.TraceParent, null, out var parent);
        var activity = Source.StartActivity("webhook deliver", ActivityKind.Client, parent);
        if (activity is null)
            return null;
        activity.SetTag("webhook.id", delivery.WebhookId);
        activity.SetTag("webhook.message_id", delivery.MessageId);
        activity.SetTag("webhook.attempt", delivery.AttemptNumber);
        activity.SetTag("webhook.sequence", delivery.WebhookSequence);
        // The origin only: a receiver's url often carries a token in its path or query.
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            activity.SetTag("url.scheme", uri.Scheme);
            activity.SetTag("server.address", uri.Host);
            activity.SetTag("server.port", uri.Port);
        }
        return activity;
    }

    public void Attempted(Activity? activity, QueuedDelivery delivery, AttemptResult result, AttemptWrite record, DateTime now)
    {
        _attempts.Add(1, new KeyValuePair<string, object?>("result", result.Succeeded ? "success" : "failure"));
        activity?.SetTag("http.response.status_code", result.Status);
        activity?.SetStatus(result.Succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, result.Succeeded ? null : result.TransportError ? result.Response : $"status {result.Status}");
        switch (record.State)
        {
            case DeliveryState.Succeeded:
                _deliveries.Add(1, new KeyValuePair<string, object?>("result", "succeeded"));
                _latency.Record((now - delivery.CreatedAt).TotalMilliseconds);
                break;
            case DeliveryState.Failed:
                _deliveries.Add(1, new KeyValuePair<string, object?>("result", "failed"));
                _webhookFailures.Add(1, new KeyValuePair<string, object?>("webhook.id", delivery.WebhookId));
                break;
        }
    }

    /// <summary>
    /// The backlog as last read from storage (the gauges report it; reading it on every scrape would cost a query); null
    /// when another instance reports it.
    /// </summary>
    public void Backlog(BacklogSnapshot? backlog) => _backlog = backlog;

    private IEnumerable<Measurement<T>> Report<T>(Func<BacklogSnapshot, T> value) where T : struct =>
        _backlog is { } backlog ? [new Measurement<T>(value(backlog))] : [];

    /// <summary>Whether anything (an exporter, <c>dotnet-counters</c>) listens to the backlog gauges: if not, nobody reads the storage for them.</summary>
    public bool BacklogObserved => _pending.Enabled;

    public void Dispose() => _meter.Dispose();
}

/// <summary>Deliveries not finished: waiting for their first attempt, waiting for a retry, and since when the oldest waits.</summary>
public sealed record BacklogSnapshot(int Pending, int Retrying, DateTime? OldestCreatedAt);

/// <summary>
/// Reads the backlog for <see cref="DeliveryTelemetry"/>'s gauges every <see cref="Every"/>, while something listens to
/// them: the pending index of the active webhooks, a few milliseconds for a backlog of a million.
/// </summary>
public sealed partial class BacklogSampler(
    IDeliveryStore store, DeliveryTelemetry telemetry, TimeProvider clock, ILogger<BacklogSampler> logger, IClusterDuties duties, IOptions<DeliveryOptions> options)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // One instance at a time reads the cluster's backlog (the holder of this duty), the others report nothing.
        var duty = new ClusterDuty(duties, "backlog", options.Value.LeaseTimeout, clock);
        var every = Every < duty.PollEvery ? Every : duty.PollEvery;
        try
        {
            await SampleWhileRunningAsync(duty, every, stoppingToken);
        }
        finally
        {
            if (await duty.ReleaseAsync() is { } failure)
                LogReleaseFailed(failure);
        }
    }

    private async Task SampleWhileRunningAsync(ClusterDuty duty, TimeSpan every, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (telemetry.BacklogObserved)
                {
                    if (await duty.HoldAsync(stoppingToken))
                        await SampleAsync(stoppingToken);
                    else
                        telemetry.Backlog(null);
                }
                await Task.Delay(every, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogSampleFailed(e);
                await EngineTasks.PauseAsync(Every, clock, stoppingToken);
            }
        }
    }

    public async Task SampleAsync(CancellationToken cancellationToken) => telemetry.Backlog(await store.BacklogAsync(cancellationToken));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Giving the backlog gauges' duty back at shutdown failed; another instance takes it when its term runs out.")]
    private partial void LogReleaseFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the delivery backlog for the metrics failed; trying again later.")]
    private partial void LogSampleFailed(Exception e);
}
