using System.ComponentModel.DataAnnotations;

namespace WebhookAdmin.Core.Events;

/// <summary><c>Webhooks:Events</c>: what a publish may cost.</summary>
public sealed class EventOptions
{
    public const string SectionName = "Webhooks:Events";

    /// <summary>
    /// The longest a publish waits for the database to commit its events. Past it (the database is down, restarting,
    /// locked or full) the publisher is told to try again later (503 with <c>Retry-After</c>) instead of hanging: well
    /// within the 30 s after which most HTTP clients and load balancers give up on their own.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "StoreTimeout must be between 00:00:00.100 and 00:05:00.")]
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
