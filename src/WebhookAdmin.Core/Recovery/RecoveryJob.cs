namespace WebhookAdmin.Core.Recovery;

public enum RecoveryState
{
    Running = 0,
    Completed = 1,
    Cancelled = 2,

    /// <summary>Stopped before the end because the webhook was deactivated: its deliveries would wait unsent.</summary>
    Failed = 3,
}

/// <summary>
/// "Resend the failed deliveries since …" for one webhook, worked through in the background a batch at a time. What it
/// covers is fixed when it is created: the failed deliveries made in [<see cref="Since"/>, <see cref="Until"/>) up to
/// <see cref="UpToSequence"/> (the oldest <see cref="RecoveryOptions.MaxDeliveries"/>), so deliveries failing later are
/// not chased. <see cref="Cursor"/> is saved with every batch, so a restart (or another instance) resumes after it.
/// </summary>
public sealed class RecoveryJob
{
    public required string Id { get; init; }

    public required string CompanyId { get; init; }

    public required string WebhookId { get; init; }

    public DateTime Since { get; init; }

    /// <summary>When the job was asked for: deliveries made after it are not the job's.</summary>
    public DateTime Until { get; init; }

    /// <summary>The <c>webhook-sequence</c> of the job's last delivery; 0 when it had none.</summary>
    public long UpToSequence { get; init; }

    /// <summary>Failed deliveries the job covers, counted when it was created.</summary>
    public int Total { get; init; }

    /// <summary>Deliveries put back into the queue so far; fewer than <see cref="Total"/> at the end when some were resent meanwhile.</summary>
    public int Requeued { get; set; }

    /// <summary>The <c>webhook-sequence</c> of the last delivery handled: the next batch starts after it.</summary>
    public long Cursor { get; set; }

    public RecoveryState State { get; set; }

    public DateTime CreatedAt { get; init; }

    public DateTime? FinishedAt { get; set; }
}
