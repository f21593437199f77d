using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Events;

/// <summary>
/// "Send test event" in one place, for the settings panel's button and <c>POST subscription/{id}/test</c> alike: a sample
/// of the webhook's own trigger (<see cref="SampleEvents"/>), to that webhook only, through the same queue, order and
/// retries as a published event.
/// </summary>
public sealed class TestEventSender(WebhookService webhooks, EventPublisher publisher, TimeProvider clock)
{
    /// <returns>What was queued, or null when the company has no such webhook.</returns>
    public async Task<TestEventSent?> SendAsync(string companyId, string webhookId, CancellationToken cancellationToken = default)
    {
        if (await webhooks.GetAsync(companyId, webhookId, cancellationToken) is not { } webhook)
            return null;
        var eventId = await publisher.PublishToWebhookAsync(companyId, webhookId, SampleEvents.For(webhook, clock), cancellationToken);
        return eventId is null ? null : new TestEventSent(eventId, webhook.IsActive);
    }
}

/// <param name="WebhookIsActive">False when it waits in the queue until the webhook is activated.</param>
public sealed record TestEventSent(string EventId, bool WebhookIsActive);
