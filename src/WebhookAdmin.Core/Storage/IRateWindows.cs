namespace WebhookAdmin.Core.Storage;

/// <summary>
/// Budgets of requests per second shared by every instance: in each second (on the database's clock when instances share
/// one) a key may take at most its limit, whichever instances the requests reach. Callers take permits in chunks and
/// spend them locally, so a busy key costs one round trip per chunk rather than per request.
/// </summary>
public interface IRateWindows
{
    /// <summary>
    /// Takes up to <paramref name="wanted"/> of the <paramref name="limit"/> permits of <paramref name="key"/>'s current
    /// second. Fewer than wanted (or none) means the second's budget is spent until <see cref="RateGrant.WindowLeft"/> has passed.
    /// </summary>
    Task<RateGrant> TakeAsync(string key, int wanted, int limit, CancellationToken cancellationToken);
}

/// <summary>What a take got, and how long the second it belongs to still runs.</summary>
public readonly record struct RateGrant(int Granted, TimeSpan WindowLeft)
{
    /// <summary>Of <paramref name="wanted"/>, what is left under <paramref name="limit"/> once the window's count reached <paramref name="takenAfter"/> (this take included).</summary>
    public static int GrantedOf(int wanted, long takenAfter, int limit) =>
        (int)Math.Clamp(limit - (takenAfter - wanted), 0, wanted);
}

/// <summary>One instance: the windows live in its memory, on its clock.</summary>
public sealed class LocalRateWindows(TimeProvider clock) : IRateWindows
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Window, long Taken)> _windows = new(StringComparer.Ordinal);

    public Task<RateGrant> TakeAsync(string key, int wanted, int limit, CancellationToken cancellationToken)
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var window = nowMs / 1000;
        long taken;
        lock (_gate)
        {
            taken = (_windows.TryGetValue(key, out var current) && current.Window == window ? current.Taken : 0) + wanted;
            _windows[key] = (window, taken);
        }
        return Task.FromResult(new RateGrant(RateGrant.GrantedOf(wanted, taken, limit), TimeSpan.FromMilliseconds((window + 1) * 1000 - nowMs)));
    }
}
