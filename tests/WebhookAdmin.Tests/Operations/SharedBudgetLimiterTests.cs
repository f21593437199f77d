using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Hosting;

namespace WebhookAdmin.Tests.Operations;

/// <summary>The API's per-company budget as instances spend it: taken in chunks from windows every instance shares.</summary>
public sealed class SharedBudgetLimiterTests
{
    [Fact]
    public async Task Two_instances_sharing_the_windows_let_through_the_limit_in_all_and_one_alone_gets_all_of_it()
    {
        var clock = new SteppedClock();
        var windows = new LocalRateWindows(clock);
        using var first = Limiter("acme", 1_000, windows, clock);
        using var second = Limiter("acme", 1_000, windows, clock);

        var granted = 0;
        for (var i = 0; i < 3_000; i++)
            granted += await GrantedAsync(i % 2 == 0 ? first : second);
        // What one chunk left unspent in the other instance is lost, never spent twice: at most the limit, at least all but a chunk.
        Assert.InRange(granted, 1_000 - 10, 1_000);

        clock.Advance(TimeSpan.FromSeconds(1));
        using var alone = Limiter("acme", 1_000, windows, clock);
        var aloneGranted = 0;
        for (var i = 0; i < 1_500; i++)
            aloneGranted += await GrantedAsync(alone);
        Assert.Equal(1_000, aloneGranted);
    }

    [Fact]
    public async Task A_refusal_says_to_retry_when_the_second_ends_and_the_next_second_grants_again()
    {
        var clock = new SteppedClock(startMs: 1_000_250);
        using var limiter = Limiter("acme", 3, new LocalRateWindows(clock), clock);
        for (var i = 0; i < 3; i++)
            Assert.Equal(1, await GrantedAsync(limiter));

        using var refused = await limiter.AcquireAsync();
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(750), retryAfter);

        clock.Advance(TimeSpan.FromMilliseconds(750));
        Assert.Equal(1, await GrantedAsync(limiter));
    }

    [Fact]
    public async Task Companies_do_not_share_a_budget()
    {
        var clock = new SteppedClock();
        var windows = new LocalRateWindows(clock);
        using var acme = Limiter("acme", 2, windows, clock);
        using var globex = Limiter("globex", 2, windows, clock);
        Assert.Equal(2, await GrantedAsync(acme) + await GrantedAsync(acme) + await GrantedAsync(acme));
        Assert.Equal(2, await GrantedAsync(globex) + await GrantedAsync(globex) + await GrantedAsync(globex));
    }

    [Fact]
    public async Task When_the_shared_count_fails_the_instance_counts_alone_for_a_second_instead_of_refusing_everything()
    {
        var clock = new SteppedClock();
        using var limiter = Limiter("acme", 5, new UnreachableWindows(), clock);
        var granted = 0;
        for (var i = 0; i < 8; i++)
            granted += await GrantedAsync(limiter);
        Assert.Equal(5, granted);
    }

    private static SharedBudgetLimiter Limiter(string company, int limit, IRateWindows windows, TimeProvider clock) =>
        new(company, limit, windows, clock, NullLogger.Instance);

    /// <summary>As the rate limiting middleware asks: the quick local attempt first, then the one that may wait.</summary>
    private static async Task<int> GrantedAsync(RateLimiter limiter)
    {
        using var quick = limiter.AttemptAcquire();
        if (quick.IsAcquired)
            return 1;
        using var lease = await limiter.AcquireAsync();
        return lease.IsAcquired ? 1 : 0;
    }

    private sealed class UnreachableWindows : IRateWindows
    {
        public Task<RateGrant> TakeAsync(string key, int wanted, int limit, CancellationToken cancellationToken) =>
            Task.FromException<RateGrant>(new TimeoutException("the database does not answer"));
    }

    /// <summary>A clock that moves only when told, for the wall clock and the timestamps alike.</summary>
    private sealed class SteppedClock(long startMs = 1_000_000) : TimeProvider
    {
        private long _ms = startMs;

        public void Advance(TimeSpan by) => _ms += (long)by.TotalMilliseconds;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(_ms);

        public override long TimestampFrequency => 1_000;

        public override long GetTimestamp() => _ms;
    }
}
