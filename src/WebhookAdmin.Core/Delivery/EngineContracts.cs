using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Delivery;

/// <summary>Where each webhook's deliveries go, read before every attempt (an edit or a deactivation applies from the next one on).</summary>
public interface IDeliveryTargets
{
    /// <summary>The webhook's delivery target; null when there is no such webhook.</summary>
    ValueTask<DeliveryTarget?> TargetAsync(string webhookId, CancellationToken cancellationToken = default);

    /// <summary>Raised with the webhooks whose settings changed (e.g. so that an activated one resumes).</summary>
    event Action<IReadOnlyCollection<string>>? WebhooksChanged;
}

/// <summary>Makes one attempt of a delivery; never throws for what the receiver or the network did (that is the result).</summary>
public interface IAttemptSender
{
    Task<AttemptResult> SendAsync(DeliveryTarget target, QueuedDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>Where a lane hands in its attempts' records (the <see cref="DeliveryWriter"/>), without waiting for them to be stored.</summary>
public interface IAttemptRecorder
{
    /// <summary>Hands in a finished attempt's record; waits only while too many records wait for the database.</summary>
    ValueTask RecordAsync(AttemptWrite attempt, CancellationToken cancellationToken = default);

    /// <summary>Returns once everything handed in before the call is stored (or, having lost its lease, fenced off).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Starts the engine's loops on the scheduler of the code that starts them: the thread pool in the app (as
/// <c>Task.Run</c> would), the simulator's single-threaded, seeded scheduler under test, so that every interleaving
/// of the engine's loops is chosen by a seed and can be replayed.
/// </summary>
internal static class EngineTasks
{
    public static Task Start(Func<Task> loop) =>
        Task.Factory.StartNew(loop, CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Current).Unwrap();

    /// <summary>
    /// A completion the engine sets under its locks. In the app its waiters resume on the thread pool, never inline under
    /// the lock. On the simulator's scheduler (which never runs a continuation inline) it is set without that option:
    /// with it, the inner steps of <c>WaitAsync</c> would hop to the thread pool and out of the simulation.
    /// </summary>
    public static TaskCompletionSource Signal() =>
        new(TaskScheduler.Current == TaskScheduler.Default ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);

    /// <summary>
    /// A background loop's pause after a failure: over after <paramref name="delay"/>, or at once when the app stops,
    /// without throwing (the loop sees the stop itself). Waiting the whole pause held the app's shutdown for it: up to
    /// ten minutes for <see cref="FailingWebhooks"/>, cut short only by the host's shutdown timeout.
    /// </summary>
    public static async Task PauseAsync(TimeSpan delay, TimeProvider clock, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, clock, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the loop ends at its next check.
        }
    }
}
