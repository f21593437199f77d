using System.Collections.Concurrent;

namespace WebhookAdmin.Core.Logs;

/// <summary>
/// Tells open logs tabs that a webhook's logs changed (a delivery was queued or attempted), so they refresh over the
/// circuit instead of polling. In-process only: one app instance owns both the dispatcher and the circuits.
/// </summary>
public sealed class LogNotifications
{
    private readonly ConcurrentDictionary<Guid, (string WebhookId, Func<Task> OnChange)> _subscribers = new();

    public IDisposable Subscribe(string webhookId, Func<Task> onChange)
    {
        var key = Guid.NewGuid();
        _subscribers[key] = (webhookId, onChange);
        return new Subscription(() => _subscribers.TryRemove(key, out _));
    }

    /// <summary>Fire and forget: a slow or broken subscriber must never hold up a delivery.</summary>
    public void Changed(string webhookId)
    {
        foreach (var (_, subscriber) in _subscribers)
        {
            if (subscriber.WebhookId == webhookId)
                _ = Notify(subscriber.OnChange);
        }
    }

    private static async Task Notify(Func<Task> onChange)
    {
        try
        {
            await onChange();
        }
        catch (Exception)
        {
            // The subscriber's circuit is gone or failed; it unsubscribes when disposed.
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
