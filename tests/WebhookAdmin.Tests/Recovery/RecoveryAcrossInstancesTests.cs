using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Recovery;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Recovery;

/// <summary>Two instances on one PostgreSQL database: one works the recovery jobs at a time, and the other continues them.</summary>
[Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
public sealed class RecoveryAcrossInstancesTests
{
    /// <summary>Short leases, so the duty is asked for every 0.3 s; one attempt per delivery.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["MaxAttempts"] = "1",
        ["LeaseTimeout"] = "00:00:03",
        ["Timeout"] = "00:00:01.200",
    };

    [Fact]
    public async Task A_job_started_on_one_instance_is_worked_by_the_holder_and_continued_by_the_other_when_the_holder_stops()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        await using var holder = await DispatcherHost.StartAsync(Settings, services: Batches(2));
        var webhook = await holder.CreateUserWebhookAsync(receiver.Url);
        await holder.PublishUserEditsAsync(1, 2, 3, 4, 5, 6);
        var logs = await holder.SettledLogsAsync(webhook.Id, 6);
        await Eventually.WaitAsync<string?>(() => RecoveryHolderAsync(holder), owner => owner is not null, what: "the first instance holding the recovery duty");
        await using var other = await DispatcherHost.StartAsync(Settings, database: holder.ConnectionString, services: Batches(2));
        receiver.Answer = Answers.Status(200);
        var before = receiver.Requests.Count;
        var workedBy = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var firstBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        holder.Services.GetRequiredService<RecoveryWorker>().AfterBatch = async (_, cancellationToken) =>
        {
            workedBy.Enqueue("holder");
            firstBatch.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        };
        other.Services.GetRequiredService<RecoveryWorker>().AfterBatch = (_, _) =>
        {
            workedBy.Enqueue("other");
            return Task.CompletedTask;
        };

        // Started where the duty is not held: the holder finds it at its next look.
        var started = await other.Services.GetRequiredService<RecoveryJobs>().StartAsync(Ids.Acme, webhook.Id, logs[0].CreatedAt);
        var job = Assert.IsType<RecoveryStart.Started>(started).Job;
        await firstBatch.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Its first batch delivered first: an attempt cut short by the stop would go again (at least once), the engine's promise.
        await holder.SettledLogsAsync(webhook.Id, 6);
        await holder.StopAsync();

        var done = await Eventually.WaitAsync(() => other.Services.GetRequiredService<RecoveryJobs>().GetAsync(Ids.Acme, webhook.Id, job.Id),
            j => j!.State != RecoveryState.Running, TimeSpan.FromSeconds(30), "the other instance finishing the job");
        Assert.Equal((RecoveryState.Completed, 6, 6), (done!.State, done.Total, done.Requeued));
        Assert.Equal(["holder", "other", "other"], workedBy);
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n == before + 6, TimeSpan.FromSeconds(30), "six resent deliveries");
        await Task.Delay(DispatcherHost.RetryDelay * 3);
        Assert.Equal([1, 2, 3, 4, 5, 6], receiver.Arrivals.Skip(before));
        Assert.All(await other.SettledLogsAsync(webhook.Id, 6), log => Assert.Equal(DeliveryState.Succeeded, log.State));
    }

    private static Action<IServiceCollection> Batches(int size) => services => services.Configure<RecoveryOptions>(options => options.BatchSize = size);

    private static async Task<string?> RecoveryHolderAsync(DispatcherHost host)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        return await db.DeliveryLeases.Where(l => l.WebhookId == "duty:recovery").Select(l => l.Owner).SingleOrDefaultAsync();
    }
}
