namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// A lane's wake-up call, with one sleeper. It is sticky: a wake that comes while the lane is not asleep is kept for its
/// next sleep, so work (or a lease change) that arrives between the lane's last look and its sleep is never slept past.
/// </summary>
internal sealed class LaneSignal
{
    private readonly object _gate = new();
    private bool _woken;
    private TaskCompletionSource? _waiter;

    public void Wake()
    {
        lock (_gate)
        {
            if (_waiter is { } waiter)
            {
                _waiter = null;
                waiter.TrySetResult();
            }
            else
            {
                _woken = true;
            }
        }
    }

    /// <returns>True when woken (at once when a wake was kept); false when <paramref name="timeout"/> ran out.</returns>
    public async Task<bool> SleepAsync(TimeSpan timeout, TimeProvider clock, CancellationToken stoppingToken)
    {
        Task woken;
        lock (_gate)
        {
            if (_woken)
            {
                _woken = false;
                return true;
            }
            woken = (_waiter = EngineTasks.Signal()).Task;
        }
        try
        {
            await woken.WaitAsync(timeout, clock, stoppingToken);
            return true;
        }
        catch (TimeoutException)
        {
            lock (_gate)
                _waiter = null;
            return false;
        }
    }
}
