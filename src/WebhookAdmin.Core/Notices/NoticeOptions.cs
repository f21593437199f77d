namespace WebhookAdmin.Core.Notices;

/// <summary><c>Webhooks:Notices</c>: how the operational events are kept and grouped.</summary>
public sealed class NoticeOptions
{
    public const string SectionName = "Webhooks:Notices";

    /// <summary>How long the app bar keeps a notice (the operations webhooks' deliveries are logs, kept as logs are).</summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// A webhook's <c>delivery.exhausted</c> within this time of its previous one is counted on the same notice rather than
    /// listed again: a receiver that is down exhausts every delivery, and a list of a thousand identical lines tells nothing.
    /// The operations webhooks still receive each one.
    /// </summary>
    public TimeSpan GroupExhaustedFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Notices waiting to be stored and sent; past it, new ones are dropped (and logged) rather than hold the engine.</summary>
    public int MaxQueued { get; set; } = 10_000;
}
