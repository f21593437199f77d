using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.ScaleOut;

/// <summary>Work one instance does for all (the logs' retention): elected through the database, one holder at a time.</summary>
[Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
[Collection(SeparateProcesses.Name)]
public sealed class HousekeepingTests
{
    private static readonly string[] FastLeases = ["--Webhooks:Delivery:LeaseTimeout=00:00:03", "--Webhooks:Delivery:Timeout=00:00:01.200"];

    [Fact]
    public async Task Retention_runs_on_one_instance_at_a_time_and_moves_to_another_within_the_lease_time_when_its_holder_is_killed()
    {
        var folder = Directory.CreateTempSubdirectory("webhookadmin-duties-").FullName;
        var database = await TestStorage.NewDatabaseAsync(folder);
        try
        {
            await using var first = await AppProcess.StartAsync(database, FastLeases);
            await using var second = await AppProcess.StartAsync(database, FastLeases);
            var (holder, held, other) = await HolderAmongAsync(database, first, second);

            // It stays with its holder while it lives: renewed every tenth of the lease time, never taken by the other.
            for (var i = 0; i < 10; i++)
            {
                await Task.Delay(500);
                Assert.Equal(holder, await RetentionHolderAsync(database));
            }

            await held.KillAsync();
            var killedAt = Stopwatch.StartNew();
            var successor = await Eventually.WaitAsync<string?>(() => RetentionHolderAsync(database), owner => owner is not null && Owns(owner, other), TimeSpan.FromSeconds(30), "the other instance taking the duty over");
            // Within the lease time (3 s) of the holder's last renewal, which came at most a tenth of it before the kill.
            Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(3) + TimeSpan.FromSeconds(1.5), $"taken over {killedAt.Elapsed.TotalSeconds:N1} s after the kill by {successor}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_instance_that_stops_cleanly_gives_its_duty_back_at_once_even_with_delivery_off()
    {
        // A minute's lease: were the duty not given back, the other instance would wait most of it.
        string[] settings = ["--Webhooks:Delivery:Enabled=false", "--Webhooks:Delivery:LeaseTimeout=00:01:00"];
        var folder = Directory.CreateTempSubdirectory("webhookadmin-duties-").FullName;
        var database = await TestStorage.NewDatabaseAsync(folder);
        try
        {
            await using var first = await AppProcess.StartAsync(database, settings);
            await using var second = await AppProcess.StartAsync(database, settings);
            var (_, held, other) = await HolderAmongAsync(database, first, second);

            var stopping = Stopwatch.StartNew();
            await held.StopAsync();
            var successor = await Eventually.WaitAsync<string?>(() => RetentionHolderAsync(database), owner => owner is not null && Owns(owner, other), TimeSpan.FromSeconds(60), "the other instance taking the duty over");
            // The other asks every tenth of the lease (6 s): it holds the duty at its next ask, not after the minute.
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(20), $"taken over {stopping.Elapsed.TotalSeconds:N1} s after the stop began, by {successor}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Waits for the retention duty to be held, and says by which of the two instances (failing if by neither).</summary>
    private static async Task<(string Holder, AppProcess Held, AppProcess Other)> HolderAmongAsync(string database, AppProcess first, AppProcess second)
    {
        var holder = (await Eventually.WaitAsync<string?>(() => RetentionHolderAsync(database), owner => owner is not null, TimeSpan.FromSeconds(30), "a holder of the retention duty"))!;
        Assert.True(Owns(holder, first) ^ Owns(holder, second), $"the duty is held by one of the two instances, not {holder}");
        return Owns(holder, first) ? (holder, first, second) : (holder, second, first);
    }

    /// <summary>Instance ids end with ":" and the process id.</summary>
    private static bool Owns(string owner, AppProcess process) => owner.EndsWith($":{process.ProcessId}", StringComparison.Ordinal);

    private static async Task<string?> RetentionHolderAsync(string database)
    {
        await using var db = TestStorage.Context(database);
        return await db.DeliveryLeases.Where(l => l.WebhookId == "duty:retention").Select(l => l.Owner).SingleOrDefaultAsync();
    }
}
