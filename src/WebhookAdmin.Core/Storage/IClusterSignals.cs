namespace WebhookAdmin.Core.Storage;

/// <summary>
/// Tells the other app instances sharing the database what this one changed outside the delivery writer (which tells
/// them itself, in its own transactions). On SQLite there is one instance and nobody to tell.
/// </summary>
public interface IClusterSignals
{
    /// <summary>Webhooks of the company were saved: forget what you cached of them.</summary>
    void WebhooksChanged(string companyId, IReadOnlyCollection<string> webhookIds);

    /// <summary>Deliveries of the webhook went back to pending out of order (a resend): whoever delivers it reads its queue again.</summary>
    void DeliveriesRequeued(string webhookId);
}
