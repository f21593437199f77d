using System.Diagnostics;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Events;

/// <summary>How the host platform, in this process, hands the dispatcher its events.</summary>
public interface IEventPublisher
{
    /// <summary>
    /// Stores the event and one pending delivery per matching active webhook of <paramref name="companyId"/>, in one
    /// transaction. Returns once all of it is durable (committed and flushed to disk).
    /// </summary>
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
public sealed class EventPublisher(DeliveryWriter writer, WebhookDirectory directory, TimeProvider clock, IOptions<EventOptions> limits) : IEventPublisher
{
    public const int MaxBatch = 1000;

    public async Task<PublishOutcome> PublishAsync(string companyId, CotEvent cotEvent, CancellationToken cancellationToken = default) =>
        (await PublishManyAsync(companyId, [cotEvent], cancellationToken))[0];

    public async Task<IReadOnlyList<PublishOutcome>> PublishManyAsync(string companyId, IReadOnlyList<CotEvent> cotEvents, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cotEvents.Count, MaxBatch);
        // All of the batch is checked before any of it is stored: an oversized event is a caller's bug, not an outcome.
        var maxBytes = limits.Value.MaxBytes;
        foreach (var cotEvent in cotEvents)
        {
            if (EventOptions.SizeOf(cotEvent) is var size && size > maxBytes)
                throw new EventTooLargeException(size, maxBytes);
        }
        using var activity = StartPublish(companyId, cotEvents.Count);
        var traceParent = TraceParentOf(activity);
        var outcomes = new PublishOutcome?[cotEvents.Count];
        var writes = new EventWrite?[cotEvents.Count];
        var webhooks = await directory.ActiveWebhooksAsync(companyId, cancellationToken);
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
            var triggers = EventMatcher.TriggersFor(cotEvent.Type!, cotEvent.Event!);
            var matched = webhooks
                .Where(w => triggers.Contains(w.Trigger) && EventMatcher.ContextMatches(w, cotEvent.Data!.Value))
                .Select(w => w.Id)
                .ToArray();
            writes[i] = NewEvent(companyId, cotEvent, cotEvent.Id?.Trim(), matched, now, traceParent);
        }

        var stored = writes.OfType<EventWrite>().ToArray();
        if (stored.Length > 0)
            await writer.StoreAsync(stored, cancellationToken);
        for (var i = 0; i < cotEvents.Count; i++)
        {
            if (writes[i] is { } write)
                outcomes[i] = new PublishOutcome.Accepted(write.EventId, write.Deliveries, write.Repeated);
        }
        return outcomes!;
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
        await writer.StoreAsync([write], cancellationToken);
        return write.EventId;
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
