namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// Several app instances on one PostgreSQL database: the instance that delivers one webhook's queue, and until when.
/// Exactly one instance holds a webhook at a time, which is what keeps its deliveries in order across instances. The
/// holder renews it while it works; an instance that dies stops renewing, and once <see cref="ExpiresAt"/> has passed
/// another takes the webhook over and continues from the first delivery not recorded.
/// </summary>
public sealed class DeliveryLease
{
    public required string WebhookId { get; init; }

    /// <summary>The holding instance (<see cref="DeliveryInstance.Id"/>).</summary>
    public required string Owner { get; set; }

    public DateTime ExpiresAt { get; set; }
}

/// <summary>An app instance sharing the database, and when it last said it was alive; work is shared among the live ones.</summary>
public sealed class DeliveryInstance
{
    public const int IdMaxLength = 64;

    public required string Id { get; init; }

    /// <summary>Host and process, for people reading the table.</summary>
    public string Name { get; set; } = "";

    public DateTime HeartbeatAt { get; set; }
}
