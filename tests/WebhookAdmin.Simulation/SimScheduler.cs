namespace WebhookAdmin.Simulation;

/// <summary>
/// Runs every task of a simulation on one thread, one step at a time, the next step chosen by the seed among all
/// that are ready: any order a thread pool could have run them in, and the same order again for the same seed.
/// Awaits inside the engine come back here because an <c>await</c> resumes on the scheduler it started on.
/// </summary>
public sealed class SimScheduler(Random random) : TaskScheduler
{
    private readonly List<Task> _ready = [];
    private Thread? _thread;

    /// <summary>A task queued from another thread: the engine escaped the simulation (a <c>Task.Run</c>, a system timer).</summary>
    public string? Escaped { get; private set; }

    public long Steps { get; private set; }

    protected override void QueueTask(Task task)
    {
        if (_thread is not null && Thread.CurrentThread != _thread)
        {
            Escaped ??= $"a task was queued from thread {Environment.CurrentManagedThreadId}, outside the simulation";
            lock (_ready)
                _ready.Add(task);
            return;
        }
        _ready.Add(task);
    }

    // Never inline: running a continuation now rather than later is a choice the seed makes.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => _ready.ToArray();

    /// <summary>Runs one ready task, chosen by the seed; false when none is ready.</summary>
    public bool RunOne()
    {
        _thread ??= Thread.CurrentThread;
        if (_ready.Count == 0)
            return false;
        var index = random.Next(_ready.Count);
        var task = _ready[index];
        _ready[index] = _ready[^1];
        _ready.RemoveAt(_ready.Count - 1);
        Steps++;
        TryExecuteTask(task);
        return true;
    }
}
