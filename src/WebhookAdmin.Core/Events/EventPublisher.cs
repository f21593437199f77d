using System.Diagnostics;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Events;

/// <summary>How the host platform, in this process, hands the dispatcher its events.</summary>
public interface IEventPublisher
{
    /// <summary>
    /// Stores the event and one pending delivery per matching active webhook of <paramref name="companyId"/>, in one
    /// transaction. Returns once all of it is durable (committed and flushed to disk).
    /// </summary>
    /// <exception cref="StorageUnavailableException">The database did not take it within <see cref="EventOptions.StoreTimeout"/>.</exception>
    Task<PublishOutcome> PublishAsync(string companyId, CotEvent cotEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Many events at once, answered one by one in the order given: each valid event is stored (or recognised as a
    /// repeat of its caller id), each invalid one refused with its field errors. The valid ones are committed together.
    /// </summary>
    Task<IReadOnlyList<PublishOutcome>> PublishManyAsync(string companyId, IReadOnlyList<CotEvent> cotEvents, CancellationToken cancellationToken = default);
}

public abstract record PublishOutcome
{
    private PublishOutcome() { }

    /// <param name="Repeated">The caller id was seen before: nothing new was stored, the first answer is repeated.</param>
    public sealed record Accepted(string EventId, int Deliveries, bool Repeated) : PublishOutcome;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : PublishOutcome;
}

/// <summary>
/// Checks events, matches them against the company's active webhooks (held in memory by the <see cref="WebhookDirectory"/>)
/// and hands them to the <see cref="DeliveryWriter"/>, whose group commit makes many concurrent publishes cost one flush.
/// </summary>
public sealed class EventPublisher(DeliveryWriter writer, WebhookDirectory directory, TimeProvider clock, IOptions<EventOptions> options) : IEventPublisher
{
    public const int MaxBatch = 1000;

    public async Task<PublishOutcome> PublishAsync(string companyId, CotEvent cotEvent, CancellationToken cancellationToken = default) =>
        (await PublishManyAsync(companyId, [cotEvent], cancellationToken))[0];

    public async Task<IReadOnlyList<PublishOutcome>> PublishManyAsync(string companyId, IReadOnlyList<CotEvent> cotEvents, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cotEvents.Count, MaxBatch);
        // All of the batch is checked before any of it is stored: an oversized event is a caller's bug, not an outcome.
        var maxBytes = options.Value.MaxBytes;
        foreach (var cotEvent in cotEvents)
        {
            if (EventOptions.SizeOf(cotEvent) is var size && size > maxBytes)
                throw new EventTooLargeException(size, maxBytes);
        }
        using var activity = StartPublish(companyId, cotEvents.Count);
        var traceParent = TraceParentOf(activity);
        var outcomes = new PublishOutcome?[cotEvents.Count];
        var writes = new EventWrite?[cotEvents.Count];
        // One budget for the whole publish: reading the company's webhooks (the database, when they are not in memory)
        // and committing the events.
        var started = Stopwatch.GetTimestamp();
        var webhooks = await WithinBudgetAsync(directory.ActiveWebhooksAsync(companyId, cancellationToken), options.Value.StoreTimeout, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < cotEvents.Count; i++)
        {
            var cotEvent = cotEvents[i];
            var errors = EventRules.Check(cotEvent);
            if (errors.Count > 0)
            {
                outcomes[i] = new PublishOutcome.Invalid(errors);
                continue;
            }
            var matched = EventMatcher.Matching(webhooks, cotEvent.Type!, cotEvent.Event!, cotEvent.Data!.Value);
            writes[i] = NewEvent(companyId, cotEvent, cotEvent.Id?.Trim(), matched, now, traceParent);
        }

        var refused = await StoreAsync(writes.OfType<EventWrite>().ToArray(), started, cancellationToken);
        for (var i = 0; i < cotEvents.Count; i++)
        {
            if (writes[i] is not { } write)
                continue;
            outcomes[i] = refused.TryGetValue(write, out var reason)
                ? new PublishOutcome.Invalid(new Dictionary<string, string[]> { ["body"] = [EventText.Localizer["NotStorable", reason]] })
                : new PublishOutcome.Accepted(write.EventId, write.Deliveries, write.Repeated);
        }
        return outcomes!;
    }

    /// <summary>
    /// Stores the events together; when the database refuses them for their content (which the rules should have
    /// caught), each is stored alone, so only the events refused are answered as such. Returns why each was refused.
    /// </summary>
    private async Task<Dictionary<EventWrite, string>> StoreAsync(EventWrite[] events, long started, CancellationToken cancellationToken)
    {
        var refused = new Dictionary<EventWrite, string>();
        if (events.Length == 0)
            return refused;
        try
        {
            await writer.StoreAsync(events, Remaining(started), cancellationToken);
        }
        catch (ContentRefusedException e) when (events.Length == 1)
        {
            refused[events[0]] = e.Reason;
        }
        catch (ContentRefusedException)
        {
            foreach (var write in events)
            {
                foreach (var (alone, reason) in await StoreAsync([write], started, cancellationToken))
                    refused[alone] = reason;
            }
        }
        return refused;
    }

    /// <summary>
    /// Sends <paramref name="cotEvent"/> to one webhook of the company only, through the same queue, order and
    /// retries as a published event (the settings panel's "Send test event"). Null when the company has no such webhook.
    /// </summary>
    public async Task<string?> PublishToWebhookAsync(string companyId, string webhookId, CotEvent cotEvent, CancellationToken cancellationToken = default)
    {
        if (await directory.TargetAsync(webhookId, cancellationToken) is not { } target || target.CompanyId != companyId)
            return null;
        using var activity = StartPublish(companyId, 1);
        var write = NewEvent(companyId, cotEvent, callerId: null, [webhookId], clock.GetUtcNow().UtcDateTime, TraceParentOf(activity));
        await writer.StoreAsync([write], options.Value.StoreTimeout, cancellationToken);
        return write.EventId;
    }

    /// <summary>
    /// The app's own operational events (<see cref="Notices.NoticeKinds"/>) to the company's active operations webhooks,
    /// their payload filters applied, committed together. An event about an operations webhook never goes to that webhook
    /// itself: its own failures would otherwise feed it more deliveries that fail. Returns how many deliveries were made.
    /// </summary>
    public async Task<int> PublishOperationalAsync(string companyId, IReadOnlyList<(CotEvent Event, string AboutWebhookId)> events, CancellationToken cancellationToken = default)
    {
        var webhooks = await directory.ActiveWebhooksAsync(companyId, cancellationToken);
        if (!webhooks.Any(w => w.Trigger == WebhookTrigger.Operations))
            return 0;
        using var activity = StartPublish(companyId, events.Count);
        var now = clock.GetUtcNow().UtcDateTime;
        var writes = new List<EventWrite>(events.Count);
        foreach (var (cotEvent, about) in events)
        {
            var matched = EventMatcher.Matching(webhooks, cotEvent.Type!, cotEvent.Event!, cotEvent.Data!.Value).Where(id => id != about).ToArray();
            if (matched.Length > 0)
                writes.Add(NewEvent(companyId, cotEvent, callerId: null, matched, now, TraceParentOf(activity)));
        }
        if (writes.Count > 0)
            await writer.StoreAsync([.. writes], options.Value.StoreTimeout, cancellationToken);
        return writes.Sum(w => w.WebhookIds.Count);
    }

    private TimeSpan Remaining(long started)
    {
        var left = options.Value.StoreTimeout - Stopwatch.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>A read that the database does not answer in time is given up (it goes on alone) and reported as unavailable.</summary>
    private static async ValueTask<T> WithinBudgetAsync<T>(ValueTask<T> pending, TimeSpan budget, CancellationToken cancellationToken)
    {
        if (pending.IsCompletedSuccessfully)
            return pending.Result; // in memory: the usual case
        var read = pending.AsTask();
        try
        {
            return await read.WaitAsync(budget, cancellationToken);
        }
        catch (TimeoutException e)
        {
            _ = read.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            throw new StorageUnavailableException("The database did not answer in time.", e);
        }
        catch (Exception e) when (e is not StorageUnavailableException && StorageErrors.IsUnavailable(e))
        {
            throw new StorageUnavailableException("The database is unavailable.", e);
        }
    }

    private static EventWrite NewEvent(string companyId, CotEvent cotEvent, string? callerId, IReadOnlyList<string> webhookIds, DateTime now, string? traceParent)
    {
        var publishedAt = UnixTime.Truncate(now);
        var body = CotEventJson.WriteUtf8(companyId, cotEvent, cotEvent.CreatedAt?.UtcDateTime ?? publishedAt);
        return new EventWrite(companyId, callerId, cotEvent.Type!, cotEvent.Event!, publishedAt, body, webhookIds) { TraceParent = traceParent };
    }

    /// <summary>The publish's span (null, at no cost, when nobody listens); each delivery attempt's span joins its trace.</summary>
    private static Activity? StartPublish(string companyId, int events)
    {
        var activity = DeliveryTelemetry.Source.StartActivity("webhook publish", ActivityKind.Producer);
        activity?.SetTag("webhookadmin.company", companyId);
        activity?.SetTag("webhookadmin.events", events);
        return activity;
    }

    /// <summary>Only a W3C trace context is kept: it is what the attempts parse back, and it fits its 55 characters.</summary>
    private static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C, Id: { Length: <= 55 } id } && activity.Recorded ? id : null;
}
