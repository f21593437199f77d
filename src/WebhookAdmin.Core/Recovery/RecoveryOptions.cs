using System.ComponentModel.DataAnnotations;

namespace WebhookAdmin.Core.Recovery;

/// <summary><c>Webhooks:Recovery</c>: the bounds of a bulk recovery ("resend failed since …").</summary>
public sealed class RecoveryOptions
{
    public const string SectionName = "Webhooks:Recovery";

    /// <summary>The most deliveries one job resends: the oldest ones since its start time; a second job takes the rest.</summary>
    [Range(1, 1_000_000, ErrorMessage = "MaxDeliveries must be between 1 and 1000000.")]
    public int MaxDeliveries { get; set; } = 10_000;

    /// <summary>
    /// Deliveries requeued per transaction, each with the job's cursor. Small enough that a transaction holds SQLite's one
    /// write lock about as briefly as a retention batch (<see cref="Logs.LogRetention.BatchSize"/>), large enough that
    /// 10,000 deliveries take 50 transactions.
    /// </summary>
    [Range(1, 5_000, ErrorMessage = "BatchSize must be between 1 and 5000.")]
    public int BatchSize { get; set; } = 200;
}
