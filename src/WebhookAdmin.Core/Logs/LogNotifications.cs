using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WebhookAdmin.Core.Logs;

/// <summary>
/// Tells open logs tabs that a webhook's logs changed (a delivery was queued or attempted), so they refresh over the
/// circuit instead of polling. A tab is told at once, then at most every <see cref="MinimumInterval"/> while changes
/// keep coming: at thousands of deliveries a second a refresh per change would read the database for nothing, and the
/// last change is always followed by one more refresh. The notices' app bar listens the same way, keyed by company
/// (<see cref="Notices.NoticeBoard"/>).
/// </summary>
public sealed partial class LogNotifications(ILogger<LogNotifications>? logger = null)
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(250);

    private readonly ILogger _logger = logger ?? NullLogger<LogNotifications>.Instance;

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscriber, byte>> _subscribers = new(StringComparer.Ordinal);

    public IDisposable Subscribe(string webhookId, Func<Task> onChange)
    {
        var subscriber = new Subscriber(onChange, _logger);
        _subscribers.GetOrAdd(webhookId, _ => new())[subscriber] = 0;
        return new Subscription(() =>
        {
            if (_subscribers.TryGetValue(webhookId, out var set))
                set.TryRemove(subscriber, out _);
        });
    }

    /// <summary>Fire and forget: a slow or broken subscriber must never hold up a delivery.</summary>
    public void Changed(string webhookId)
    {
        if (!_subscribers.TryGetValue(webhookId, out var set))
            return;
        foreach (var (subscriber, _) in set)
            subscriber.Ring();
    }

    private sealed class Subscriber(Func<Task> onChange, ILogger logger)
    {
        private const int Idle = 0, Running = 1, RunningAndRung = 2;

        /// <summary>
        /// The subscriber's own context (its culture above all): a change is reported from the delivery writer's thread,
        /// and a logs tab refreshed in that thread's culture rendered an es-CL admin's list in English.
        /// </summary>
        private readonly ExecutionContext? _context = ExecutionContext.Capture();

        private int _state;

        public void Ring()
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                if (state == RunningAndRung)
                    return;
                if (Interlocked.CompareExchange(ref _state, state == Idle ? Running : RunningAndRung, state) != state)
                    continue;
                if (state == Idle)
                    Start();
                return;
            }
        }

        private void Start()
        {
            if (_context is null)
                _ = Task.Run(RunAsync);
            else
                ExecutionContext.Run(_context, static subscriber => _ = Task.Run(((Subscriber)subscriber!).RunAsync), this);
        }

        private async Task RunAsync()
        {
            do
            {
                Volatile.Write(ref _state, Running);
                try
                {
                    await onChange();
                }
                catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
                {
                    // The subscriber's circuit is gone; it unsubscribes when disposed.
                    LogSubscriberGone(logger, e);
                }
                catch (Exception e)
                {
                    // Said, never thrown at the writer that rang.
                    LogRefreshFailed(logger, e);
                }
                await Task.Delay(MinimumInterval);
            }
            while (Interlocked.CompareExchange(ref _state, Idle, Running) != Running);
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "An open page (a logs tab, the notices) was closed while it refreshed.")]
    private static partial void LogSubscriberGone(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An open page (a logs tab, the notices) failed to refresh after a change; it is told again at the next one.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception e);
}
