using System.ComponentModel;
using System.Text.Json.Serialization;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Recovery;

namespace WebhookAdmin.Features.Recovery;

/// <summary>A bulk recovery as the API shows it.</summary>
public sealed record RecoveryJobJson(
    [property: Description("The job's id: GET …/recover/{jobId} reads it, POST …/recover/{jobId}/cancel cancels it.")] string Id,
    string WebhookId,
    [property: Description("Failed deliveries made at or after this time are resent (those made after createdAt are not the job's)."), JsonConverter(typeof(IsoTimestampConverter))] DateTime Since,
    [property: Description("running, completed, cancelled, or failed (stopped because the webhook was deactivated).")] string State,
    [property: Description("Failed deliveries the job covers, counted at its start: the oldest 10,000 at most.")] int Total,
    [property: Description("Deliveries put back into the queue so far; at the end, fewer than total when some were resent meanwhile.")] int Requeued,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTime CreatedAt,
    [property: Description("When the job completed, was cancelled or failed; null while it runs."), JsonConverter(typeof(IsoTimestampConverter))] DateTime? FinishedAt)
{
    public static RecoveryJobJson From(RecoveryJob job) =>
        new(job.Id, job.WebhookId, job.Since, StateName(job.State), job.Total, job.Requeued, job.CreatedAt, job.FinishedAt);

    public static string StateName(RecoveryState state) => state switch
    {
        RecoveryState.Running => "running",
        RecoveryState.Completed => "completed",
        RecoveryState.Cancelled => "cancelled",
        _ => "failed",
    };
}

/// <summary>The body of <c>POST subscription/{id}/recover</c>.</summary>
public sealed record StartRecoveryRequest(
    [property: Description("ISO 8601 date and time (UTC when it names no offset), not in the future: resend the webhook's deliveries that failed since then.")] string? Since);
