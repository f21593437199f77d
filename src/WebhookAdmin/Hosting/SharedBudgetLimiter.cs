using System.Threading.RateLimiting;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Hosting;

/// <summary>
/// One company's API budget as this instance spends it. The budget of each second is shared by every instance
/// (<see cref="IRateWindows"/>); this instance takes it in chunks of a hundredth of the limit and spends them locally, so
/// a company calling at full rate costs the database a round trip per chunk, and the cluster as a whole never lets more
/// than the limit through in a second. What a chunk leaves unspent when its second ends is lost: with several instances
/// the company may get slightly less than its limit, never more.
/// </summary>
internal sealed partial class SharedBudgetLimiter(string key, int limit, IRateWindows windows, TimeProvider clock, ILogger logger) : RateLimiter
{
    private readonly Lock _gate = new();
    private readonly int _chunk = Math.Clamp(limit / 100, 1, 1_000);
    private int _inHand;
    private long _inHandUntil;
    private long _spentUntil;
    private Task? _taking;
    private long _lastUsed = clock.GetTimestamp();
    private long _granted;
    private long _refused;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
                return _taking is null ? clock.GetElapsedTime(_lastUsed) : null;
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_gate)
            return new RateLimiterStatistics { CurrentAvailablePermits = _inHand, TotalSuccessfulLeases = _granted, TotalFailedLeases = _refused };
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
            return TrySpend(permitCount) ?? Refused(permitCount);
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task taking;
            lock (_gate)
            {
                if (TrySpend(permitCount) is { } lease)
                    return lease;
                if (clock.GetTimestamp() < _spentUntil || permitCount > _chunk)
                    return Refused(permitCount);
                taking = _taking ??= TakeChunkAsync();
            }
            await taking.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A permit from the chunk in hand, while its second lasts; null when there is none.</summary>
    private RateLimitLease? TrySpend(int permitCount)
    {
        _lastUsed = clock.GetTimestamp();
        if (permitCount == 0)
            return Granted;
        if (_inHand < permitCount || _lastUsed >= _inHandUntil)
            return null;
        _inHand -= permitCount;
        _granted++;
        return Granted;
    }

    private RateLimitLease Refused(int permitCount)
    {
        _refused++;
        var wait = permitCount > _chunk ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Max(0, _spentUntil - clock.GetTimestamp()) * TimeSpan.TicksPerSecond / clock.TimestampFrequency);
        return new RefusedLease(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromSeconds(1) : wait);
    }

    private async Task TakeChunkAsync()
    {
        await Task.Yield();
        RateGrant grant;
        var alone = false;
        try
        {
            grant = await windows.TakeAsync(key, _chunk, limit, CancellationToken.None).WaitAsync(TakeTimeout);
        }
        catch (Exception e)
        {
            // The database is out of reach (the request itself will say so): count as if this instance were alone for a
            // second rather than refuse every call or hold them all on a round trip that does not come back.
            LogTakeFailed(e, key);
            grant = new RateGrant(limit, TimeSpan.FromSeconds(1));
            alone = true;
        }
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            var until = now + (long)(grant.WindowLeft.TotalSeconds * clock.TimestampFrequency);
            _inHand = grant.Granted;
            _inHandUntil = until;
            // Less than asked (or the whole limit taken alone): once this is spent, the second's budget is.
            if (grant.Granted < _chunk || alone)
                _spentUntil = until;
            _taking = null;
        }
    }

    private static readonly TimeSpan TakeTimeout = TimeSpan.FromSeconds(2);

    private static readonly RateLimitLease Granted = new GrantedLease();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the API calls of {Key} with the other instances failed; this instance counts alone for a second.")]
    private partial void LogTakeFailed(Exception e, string key);

    private sealed class GrantedLease : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private sealed class RefusedLease(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
