namespace WebhookAdmin.Core.Storage;

/// <summary>
/// Work that one instance does for all of them (the logs' retention, the backlog gauges), elected through the database
/// so that it runs on one instance at a time and moves to another when its holder dies. On SQLite there is one instance,
/// and it holds every duty.
/// </summary>
public interface IClusterDuties
{
    /// <summary>
    /// Takes the duty for <paramref name="term"/> from now, or extends it when this instance holds it; false while
    /// another instance holds it and its term has not run out.
    /// </summary>
    Task<bool> HoldAsync(string duty, TimeSpan term, CancellationToken cancellationToken);

    /// <summary>Gives the duty back if this instance holds it (a clean stop), so another takes it at its next ask.</summary>
    Task ReleaseAsync(string duty, CancellationToken cancellationToken);
}

/// <summary>
/// One duty as its loop holds it. Every instance asks for it every <see cref="PollEvery"/> (a tenth of the lease time);
/// the holder's term is the rest of the lease time, so a dead holder's duty is taken over within
/// <c>LeaseTimeout</c> of its last renewal. The election spreads the load, it does not guard correctness: a holder paused
/// past its term may overlap its successor for a moment, so each duty's work must stay harmless when done twice.
/// </summary>
public sealed class ClusterDuty(IClusterDuties duties, string name, TimeSpan leaseTimeout, TimeProvider clock)
{
    private long _renewedAt;

    /// <summary>The duty's key among the leases (no webhook id has a colon).</summary>
    public string Name { get; } = "duty:" + name;

    public TimeSpan PollEvery => leaseTimeout / 10;

    /// <summary>Takes or renews the duty; false when another instance holds it.</summary>
    public async Task<bool> HoldAsync(CancellationToken cancellationToken)
    {
        var sentAt = clock.GetTimestamp();
        var held = await duties.HoldAsync(Name, leaseTimeout - PollEvery, cancellationToken);
        if (held)
            _renewedAt = sentAt;
        return held;
    }

    /// <summary>
    /// At a clean stop: gives the duty back, waiting at most a few seconds (a database out of reach lets the term run
    /// out instead). Never throws: the duty is then simply taken over later.
    /// </summary>
    public async Task<Exception?> ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(ReleaseTimeout, clock);
        try
        {
            await duties.ReleaseAsync(Name, timeout.Token);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(3);

    /// <summary>During long work: renews the duty when a <see cref="PollEvery"/> has passed since the last renewal; false once it is lost.</summary>
    public async ValueTask<bool> KeepAsync(CancellationToken cancellationToken) =>
        clock.GetElapsedTime(_renewedAt) < PollEvery || await HoldAsync(cancellationToken);
}
