namespace WebhookAdmin.Core.Receivers;

/// <summary>
/// A webhook's receiver key: read-only access to that webhook's deliveries (the catch-up API), for the receiving side,
/// which must never hold the company's platform token. Only its SHA-256 is stored; the key is shown once.
/// </summary>
public sealed class ReceiverKey
{
    public required string WebhookId { get; init; }

    /// <summary>SHA-256 of the whole key, lowercase hex.</summary>
    public required string Hash { get; set; }

    /// <summary>The key's last characters, so an admin can tell which key a receiver holds.</summary>
    public required string Hint { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>The key before the last rotation, still accepted until <see cref="PreviousExpiresAt"/> so receivers can switch.</summary>
    public string? PreviousHash { get; set; }

    public DateTime? PreviousExpiresAt { get; set; }
}

/// <summary>What the settings panel and the API show of a receiver key: never the key.</summary>
public sealed record ReceiverKeyInfo(string Hint, DateTime CreatedAt, DateTime? PreviousExpiresAt);

/// <summary>A key just made: the only time it is shown.</summary>
public sealed record NewReceiverKey(string Key, ReceiverKeyInfo Info);

/// <summary>Who a valid receiver key lets in: one webhook of one company.</summary>
public sealed record ReceiverKeyHolder(string CompanyId, string WebhookId);
