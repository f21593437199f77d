using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Recovery;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Recovery;

/// <summary>Bulk recovery with the real worker, dispatcher and a real receiver, on the run's provider.</summary>
public sealed class RecoveryJobTests
{
    /// <summary>One attempt per delivery: a failure is final at once.</summary>
    private static readonly Dictionary<string, string> OneAttempt = new() { ["MaxAttempts"] = "1" };

    [Fact]
    public async Task A_recovery_resends_only_the_deliveries_failed_since_its_start_in_their_original_order()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        await using var host = await DispatcherHost.StartAsync(OneAttempt);
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1, 2);
        await host.SettledLogsAsync(webhook.Id, 2);
        // Event 4 succeeds, the others fail.
        receiver.Answer = (request, _, _) => Task.FromResult(request.N == 4 ? Results.Ok() : Results.StatusCode(500));
        await host.PublishUserEditsAsync(3, 4, 5, 6);
        var logs = await host.SettledLogsAsync(webhook.Id, 6);
        receiver.Answer = Answers.Status(200);
        var before = receiver.Requests.Count;

        var job = await StartAsync(host, webhook.Id, since: logs[2].CreatedAt);

        Assert.Equal((RecoveryState.Running, 3, 0), (job.State, job.Total, job.Requeued));
        var done = await FinishedAsync(host, job);
        Assert.Equal((RecoveryState.Completed, 3, 3), (done.State, done.Total, done.Requeued));
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n == before + 3, what: "three resent deliveries");
        Assert.Equal([3, 5, 6], receiver.Arrivals.Skip(before));
        var settled = await host.SettledLogsAsync(webhook.Id, 6);
        Assert.Equal([DeliveryState.Failed, DeliveryState.Failed], settled.Take(2).Select(l => l.State));
        Assert.Single(settled[3].Attempts);
    }

    [Fact]
    public async Task A_recovery_takes_the_oldest_failures_up_to_its_cap_and_a_second_one_the_rest()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        await using var host = await DispatcherHost.StartAsync(OneAttempt, services: Capped(maxDeliveries: 3, batchSize: 2));
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1, 2, 3, 4, 5);
        var logs = await host.SettledLogsAsync(webhook.Id, 5);
        receiver.Answer = Answers.Status(200);
        var before = receiver.Requests.Count;

        var first = await FinishedAsync(host, await StartAsync(host, webhook.Id, logs[0].CreatedAt));
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n == before + 3, what: "the first three");
        await host.SettledLogsAsync(webhook.Id, 5);
        var second = await FinishedAsync(host, await StartAsync(host, webhook.Id, logs[0].CreatedAt));

        Assert.Equal((3, 3), (first.Total, first.Requeued));
        Assert.Equal((2, 2), (second.Total, second.Requeued));
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n == before + 5, what: "the other two");
        Assert.Equal([1, 2, 3, 4, 5], receiver.Arrivals.Skip(before));
    }

    [Fact]
    public async Task A_cancelled_recovery_requeues_nothing_more()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        await using var host = await DispatcherHost.StartAsync(OneAttempt, services: Capped(batchSize: 1));
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1, 2, 3);
        var logs = await host.SettledLogsAsync(webhook.Id, 3);
        receiver.Answer = Answers.Status(200);
        var before = receiver.Requests.Count;
        var jobs = host.Services.GetRequiredService<RecoveryJobs>();
        // The admin cancels right after the first batch.
        host.Services.GetRequiredService<RecoveryWorker>().AfterBatch = async (running, cancellationToken) =>
        {
            if (running.Requeued == 1)
                await jobs.CancelAsync(Ids.Acme, webhook.Id, running.Id, cancellationToken);
        };

        var job = await FinishedAsync(host, await StartAsync(host, webhook.Id, logs[0].CreatedAt));

        Assert.Equal((RecoveryState.Cancelled, 3, 1), (job.State, job.Total, job.Requeued));
        Assert.NotNull(job.FinishedAt);
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n == before + 1, what: "the one requeued delivery");
        await Task.Delay(DispatcherHost.RetryDelay * 3);
        Assert.Equal([1], receiver.Arrivals.Skip(before));
        Assert.Equal([DeliveryState.Succeeded, DeliveryState.Failed, DeliveryState.Failed], (await host.SettledLogsAsync(webhook.Id, 3)).Select(l => l.State));
    }

    [Fact]
    public async Task A_recovery_interrupted_by_a_stop_resumes_from_its_cursor_on_the_next_start_without_resending_twice()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        var interrupted = new TaskCompletionSource<RecoveryJob>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var first = await DispatcherHost.StartAsync(OneAttempt, services: Capped(batchSize: 2));
        var webhook = await first.CreateUserWebhookAsync(receiver.Url);
        await first.PublishUserEditsAsync(1, 2, 3, 4, 5, 6);
        var logs = await first.SettledLogsAsync(webhook.Id, 6);
        // Events 1 and 2 fail again when resent: were the job to start over, it would send them a third time.
        receiver.Answer = (request, _, _) => Task.FromResult(request.N <= 2 ? Results.StatusCode(500) : Results.Ok());
        var before = receiver.Requests.Count;
        // The instance stops after its first batch, before the second (a shutdown in the middle of the job).
        first.Services.GetRequiredService<RecoveryWorker>().AfterBatch = async (running, cancellationToken) =>
        {
            interrupted.TrySetResult(running);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        };
        var job = await StartAsync(first, webhook.Id, logs[0].CreatedAt);
        var atStop = await interrupted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The first batch is delivered before the stop: an attempt cut short by a shutdown goes again after it (at least
        // once), which is the engine's promise, not the recovery's.
        await first.SettledLogsAsync(webhook.Id, 6);
        await first.StopAsync();
        Assert.Equal((RecoveryState.Running, 2), ((await JobAsync(first, job)).State, (await JobAsync(first, job)).Requeued));

        await using var second = await DispatcherHost.StartAsync(OneAttempt, database: first.ConnectionString, services: Capped(batchSize: 2));
        var done = await FinishedAsync(second, job);

        Assert.Equal((2, RecoveryState.Completed, 6, 6), (atStop.Requeued, done.State, done.Total, done.Requeued));
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n == before + 6, what: "six resent deliveries");
        await Task.Delay(DispatcherHost.RetryDelay * 3);
        Assert.Equal([1, 2, 3, 4, 5, 6], receiver.Arrivals.Skip(before));
        var settled = await second.SettledLogsAsync(webhook.Id, 6);
        Assert.Equal([DeliveryState.Failed, DeliveryState.Failed, DeliveryState.Succeeded, DeliveryState.Succeeded, DeliveryState.Succeeded, DeliveryState.Succeeded],
            settled.Select(l => l.State));
        Assert.All(settled, log => Assert.Equal(2, log.Attempts.Count));
    }

    [Fact]
    public async Task Another_company_neither_starts_reads_nor_cancels_a_webhooks_recovery_and_one_runs_at_a_time()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        await using var host = await DispatcherHost.StartAsync(OneAttempt, services: Capped(batchSize: 1));
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1, 2);
        var log = (await host.SettledLogsAsync(webhook.Id, 2))[0];
        var jobs = host.Services.GetRequiredService<RecoveryJobs>();
        // Held after its first batch of two, so it is still running while the others ask.
        var hold = new TaskCompletionSource();
        host.Services.GetRequiredService<RecoveryWorker>().AfterBatch = (_, cancellationToken) => hold.Task.WaitAsync(cancellationToken);
        var job = await StartAsync(host, webhook.Id, log.CreatedAt);

        Assert.IsType<RecoveryStart.NotFound>(await jobs.StartAsync(Ids.Globex, webhook.Id, log.CreatedAt));
        Assert.Null(await jobs.GetAsync(Ids.Globex, webhook.Id, job.Id));
        Assert.Null(await jobs.CancelAsync(Ids.Globex, webhook.Id, job.Id));
        Assert.Equal(job.Id, Assert.IsType<RecoveryStart.AlreadyRunning>(await jobs.StartAsync(Ids.Acme, webhook.Id, log.CreatedAt)).Job.Id);
        hold.SetResult();
        Assert.Equal(RecoveryState.Completed, (await FinishedAsync(host, job)).State);
    }

    private static Action<IServiceCollection> Capped(int maxDeliveries = 10_000, int batchSize = 200) =>
        services => services.Configure<RecoveryOptions>(options => (options.MaxDeliveries, options.BatchSize) = (maxDeliveries, batchSize));

    private static async Task<RecoveryJob> StartAsync(DispatcherHost host, string webhookId, DateTime since) =>
        Assert.IsType<RecoveryStart.Started>(await host.Services.GetRequiredService<RecoveryJobs>().StartAsync(Ids.Acme, webhookId, since)).Job;

    private static async Task<RecoveryJob> JobAsync(DispatcherHost host, RecoveryJob job) =>
        (await host.Services.GetRequiredService<RecoveryJobs>().GetAsync(Ids.Acme, job.WebhookId, job.Id))!;

    private static Task<RecoveryJob> FinishedAsync(DispatcherHost host, RecoveryJob job) =>
        Eventually.WaitAsync(() => JobAsync(host, job), j => j.State != RecoveryState.Running, what: $"recovery {job.Id} to finish");
}
