namespace WebhookAdmin.Receiving;

/// <summary>How a receiver checks and orders one WebhookAdmin webhook's deliveries.</summary>
public sealed class WebhookReceiverOptions
{
    /// <summary>The webhook's signing secret (<c>whsec_…</c>), from <c>GET subscription/{id}/secret</c> or the settings panel.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The signing secret before a rotation, accepted as well while receivers switch (optional).</summary>
    public string? PreviousSecret { get; set; }

    /// <summary>How far <c>webhook-timestamp</c> may be from this machine's clock: the Standard Webhooks specification's 5 minutes.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>WebhookAdmin's address (<c>https://webhooks.example.com/</c>), where the catch-up API is.</summary>
    public Uri? WebhookAdmin { get; set; }

    /// <summary>The webhook whose deliveries these are (its <c>_id</c>).</summary>
    public string WebhookId { get; set; } = "";

    /// <summary>The webhook's receiver key (<c>whrk_…</c>): read-only access to its deliveries, for filling gaps.</summary>
    public string ReceiverKey { get; set; } = "";

    /// <summary>Where the last sequence handled and the recent ids are kept across restarts (a JSON file, replaced atomically).</summary>
    public string StateFile { get; set; } = "webhook-receiver-state.json";

    /// <summary>The largest body read; WebhookAdmin's events are at most 1 MiB by default.</summary>
    public int MaxBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>How many recent <c>webhook-id</c>s are remembered to drop repeats.</summary>
    public int RememberedIds { get; set; } = 1000;

    /// <summary>
    /// Called when deliveries cannot be had any more (log retention removed them before the receiver caught up), with
    /// the first and last sequence lost; the receiver then goes on from the oldest still held. By default it only logs.
    /// </summary>
    public Func<long, long, CancellationToken, Task>? OnLost { get; set; }
}
