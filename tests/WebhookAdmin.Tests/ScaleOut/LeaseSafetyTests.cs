using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Storage.PostgreSql;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.ScaleOut;

/// <summary>
/// An instance never sends an attempt it cannot finish under its lease: when it loses touch with the database, the
/// instance that takes the webhook over never sends beside it.
/// </summary>
[Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
[Collection(SeparateProcesses.Name)]
public sealed class LeaseSafetyTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    /// <summary>The least lease for a 4 s attempt; renewals every 3.3 s.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["LeaseTimeout"] = "00:00:10",
        ["Timeout"] = "00:00:04",
        ["PollInterval"] = "00:00:00.250",
        ["LaneWindow"] = "1000",
    };

    [Fact]
    public async Task An_instance_cut_off_from_the_database_stops_before_its_lease_ends_and_the_next_holder_never_sends_beside_it()
    {
        const int eventCount = 400;
        var inFlight = 0;
        var mostInFlight = 0;
        var hangNext = 0;
        // 50 ms an answer, or (once, when the test says) no answer until the sender gives up; counts requests in flight.
        await using var receiver = await Receiver.StartAsync(async (_, _, aborted) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref mostInFlight, now);
            try
            {
                await Task.Delay(Interlocked.Exchange(ref hangNext, 0) == 1 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(50), aborted);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
            return Results.Text("ok");
        });
        var folder = Directory.CreateTempSubdirectory("webhookadmin-lease-").FullName;
        var database = await TestStorage.NewDatabaseAsync(folder);
        await using var proxy = new TcpProxy(new Npgsql.NpgsqlConnectionStringBuilder(database).Port);
        try
        {
            await using var cutOff = await DispatcherHost.StartAsync(Settings, database: proxy.Through(database));
            var webhook = await cutOff.CreateUserWebhookAsync(receiver.Url);
            await cutOff.Publisher.PublishManyAsync(Ids.Acme, Enumerable.Range(0, eventCount).Select(n => Events.UserEdit(n)).ToArray());
            await Eventually.WaitAsync(() => receiver.Requests.Count, n => n >= 5, what: "the first deliveries");
            await using var other = await DispatcherHost.StartAsync(Settings, database: database);
            var me = cutOff.Services.GetRequiredService<InstanceIdentity>().Id;

            // Right after a renewal, the holder loses the database; the lease runs out 10 s after that renewal.
            var renewedAt = await NextRenewalAsync(database, webhook.Id, me);
            proxy.Pause();
            // 7 s on, the holder's lease as last confirmed has 1 s of its usable 8 s left: not enough for a 4 s attempt.
            // Without that rule it would send now, and the receiver would hold the attempt past the takeover.
            await Task.Delay(renewedAt + TimeSpan.FromSeconds(7) - Receiver.Now);
            Interlocked.Exchange(ref hangNext, 1);

            int[] arrivals;
            try
            {
                arrivals = await Eventually.WaitAsync(() => receiver.Arrivals.Distinct().ToArray(), seen => seen.Length == eventCount,
                    TimeSpan.FromSeconds(90), "every event delivered");
            }
            finally
            {
                proxy.Resume();
            }

            Assert.Equal(1, mostInFlight);
            Assert.Equal(Enumerable.Range(0, eventCount), arrivals);
            Assert.NotEqual(me, await HolderAsync(database, webhook.Id));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_lease_shorter_than_two_and_a_half_attempt_timeouts_stops_the_start_with_a_clear_message()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            DispatcherHost.StartAsync(new Dictionary<string, string> { ["LeaseTimeout"] = "00:00:30", ["Timeout"] = "00:00:30" }));

        Assert.Contains("LeaseTimeout (00:00:30) must be at least 2.5 times Timeout (00:00:30), that is at least 00:01:15", failure.Message);
    }

    /// <summary>Waits for the holder's next renewal of the webhook's lease; returns when it was seen (receiver clock).</summary>
    private static async Task<TimeSpan> NextRenewalAsync(string database, string webhookId, string holder)
    {
        DateTime? first = null;
        var deadline = DateTime.UtcNow + Lease;
        while (DateTime.UtcNow < deadline)
        {
            await using var db = TestStorage.Context(database);
            var lease = await db.DeliveryLeases.AsNoTracking().SingleOrDefaultAsync(l => l.WebhookId == webhookId);
            if (lease is not null && lease.Owner == holder)
            {
                if (first is null)
                    first = lease.ExpiresAt;
                else if (lease.ExpiresAt != first)
                    return Receiver.Now;
            }
            await Task.Delay(20);
        }
        throw new Xunit.Sdk.XunitException($"The lease of webhook {webhookId} was not renewed by {holder} within {Lease}.");
    }

    private static async Task<string?> HolderAsync(string database, string webhookId)
    {
        await using var db = TestStorage.Context(database);
        return await db.DeliveryLeases.Where(l => l.WebhookId == webhookId).Select(l => l.Owner).SingleOrDefaultAsync();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
