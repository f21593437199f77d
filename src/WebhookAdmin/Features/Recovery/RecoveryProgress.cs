using Microsoft.Extensions.Localization;
using WebhookAdmin.Core.Recovery;
using WebhookAdmin.Features.Logs;

namespace WebhookAdmin.Features.Recovery;

/// <summary>A bulk recovery's progress as the Logs tab shows it: a sentence in the admin's language and time zone, and a bar.</summary>
public static class RecoveryProgress
{
    /// <summary>
    /// How far the bar goes: requeued of total while it runs; full once completed, even when some deliveries were passed
    /// over because they had been resent (or had succeeded) meanwhile.
    /// </summary>
    public static double Percent(RecoveryJob job) =>
        job.State == RecoveryState.Completed || job.Total == 0 ? 100 : Math.Min(100, job.Requeued * 100.0 / job.Total);

    public static string Describe(RecoveryJob job, BrowserTime time, IStringLocalizer<RecoveryPanelText> text) =>
        text[job.State switch
        {
            RecoveryState.Running => "Running",
            RecoveryState.Completed => "Completed",
            RecoveryState.Cancelled => "Cancelled",
            _ => "Stopped",
        }, job.Requeued, job.Total, time.Local(job.Since)];
}
