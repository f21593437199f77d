namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// What the rest of Core tells the dispatcher: deliveries just committed (so lanes take them from memory instead of
/// asking the database), a webhook whose queue must be read again from its start (a resend), or "look for work" (a
/// webhook activated). Without a running dispatcher (a publish-only process, component tests) the news is dropped:
/// it is all in the database, where a dispatcher's first scan finds it.
/// </summary>
public sealed class DeliveryFeed
{
    private volatile IDeliveryListener? _listener;

    internal void Attach(IDeliveryListener listener) => _listener = listener;

    internal void Detach(IDeliveryListener listener) => Interlocked.CompareExchange(ref _listener, null, listener);

    /// <summary>New deliveries, committed, in sequence order.</summary>
    public void Committed(IReadOnlyList<QueuedDelivery> deliveries) => _listener?.Committed(deliveries);

    /// <summary>Deliveries of the webhook went back to pending out of sequence order (a resend): read its queue again.</summary>
    public void Reread(string webhookId) => _listener?.Reread(webhookId);

    /// <summary>Work may be waiting that nobody offered (a webhook was activated).</summary>
    public void LookForWork() => _listener?.LookForWork();

    /// <summary>
    /// Deliveries for these webhooks are in storage, to be read from there (null: maybe for any): another instance
    /// committed them, or this one did on a store whose commits are not handed to lanes (<see cref="EventWrite.HandedToLanes"/>).
    /// </summary>
    public void RemoteWork(IReadOnlyCollection<string>? webhookIds) => _listener?.RemoteWork(webhookIds);

    /// <summary>Another instance gave these webhooks back (null: all it held, it stopped): whoever wants them may claim them now.</summary>
    public void Released(IReadOnlyCollection<string>? webhookIds) => _listener?.Released(webhookIds);

    /// <summary>
    /// What the other instances said may have been missed (the listening connection was lost): new deliveries, and
    /// resends or requeues that put deliveries back behind what a lane already holds. Every lane reads its queue again
    /// from its head, and the dispatcher looks for work.
    /// </summary>
    public void NewsMissed() => _listener?.NewsMissed();
}

internal interface IDeliveryListener
{
    void Committed(IReadOnlyList<QueuedDelivery> deliveries);

    void Reread(string webhookId);

    void LookForWork();

    void RemoteWork(IReadOnlyCollection<string>? webhookIds);

    void Released(IReadOnlyCollection<string>? webhookIds);

    void NewsMissed();
}
