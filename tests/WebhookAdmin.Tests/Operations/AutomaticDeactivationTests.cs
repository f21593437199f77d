using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Operations;

/// <summary><c>Webhooks:Delivery:DisableAfter</c>: a webhook whose every delivery fails for that long is deactivated, saying why.</summary>
public sealed class AutomaticDeactivationTests(AutomaticDeactivationTests.App app) : IClassFixture<AutomaticDeactivationTests.App>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    /// <summary>Two seconds of failures are enough here (five days by default), the probe comes half a second later, and retries come at once.</summary>
    public sealed class App : TestApp
    {
        protected override IEnumerable<string> ExtraArguments =>
            ["--Webhooks:Delivery:DisableAfter=00:00:02", "--Webhooks:Delivery:ProbeCoolDown=00:00:00.500", "--Webhooks:Delivery:RetryDelay=00:00:00.010"];
    }

    [Fact]
    public async Task A_webhook_failing_for_the_whole_span_and_its_probe_is_deactivated_saying_why_and_activating_it_resumes_in_order()
    {
        await TelemetryTests.DeactivateEarlierWebhooksAsync(app);
        // Every attempt of the first twenty deliveries fails; then the receiver holds the next request until it is back,
        // and fails it and the probe after it; from then on it answers.
        var back = new TaskCompletionSource();
        await using var receiver = await Receiver.StartAsync(async (_, index, _) =>
        {
            if (index == 20 * 3)
                await back.Task;
            return index <= 20 * 3 + 1 ? Microsoft.AspNetCore.Http.Results.Text("down", statusCode: 503) : Microsoft.AspNetCore.Http.Results.Ok();
        });
        using var api = await app.ApiClientAsync();
        var webhookId = await TelemetryTests.CreateAsync(api, receiver.Url);
        for (var n = 1; n <= 25; n++)
            await TelemetryTests.PublishAsync(api, n);

        await Eventually.WaitAsync(() => WebhookAsync(webhookId), w => w.ProbeAfter is not null, TimeSpan.FromSeconds(20), "the probe's start");
        back.SetResult();
        var deactivated = await Eventually.WaitAsync(() => WebhookAsync(webhookId), w => !w.IsActive, TimeSpan.FromSeconds(20), "the automatic deactivation");

        Assert.Equal(20, deactivated.ConsecutiveFailures);
        Assert.Matches(@"^Every delivery since \d{4}-\d\d-\d\d \d\d:\d\d UTC failed \(20 in a row\)\.$", deactivated.DisabledReason);
        Assert.NotNull(deactivated.DisabledAt);
        var row = (await app.Get<WebhookListing>().QueryAsync(Ids.Acme, new WebhookQuery(IncludeDisabled: true, Search: deactivated.Name))).Items.Single();
        Assert.Equal((false, new AutomaticDeactivation(deactivated.FailingSince!.Value, 20, deactivated.DisabledAt!.Value)), (row.IsActive, row.Deactivation));

        // The attempt that was in flight and the probe were the last: nothing more is sent while the webhook is inactive.
        Assert.Equal(62, receiver.Requests.Count);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(62, receiver.Requests.Count);

        using var activate = await api.PatchAsJsonAsync($"{Subscriptions}/{webhookId}", new { isActive = true });
        activate.EnsureSuccessStatusCode();

        await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 67, what: "the kept deliveries sent");
        Assert.Equal([21, 21, 21, 22, 23, 24, 25], receiver.Arrivals.Skip(60));
        var reactivated = await WebhookAsync(webhookId);
        Assert.Equal((true, null, null, null, 0), (reactivated.IsActive, reactivated.DisabledReason, reactivated.DisabledAt, reactivated.FailingSince, reactivated.ConsecutiveFailures));
    }

    [Fact]
    public async Task Fewer_than_twenty_failures_keep_a_failing_webhook_active_and_a_succeeding_one_is_never_marked()
    {
        await TelemetryTests.DeactivateEarlierWebhooksAsync(app);
        await using var down = await Receiver.StartAsync(Answers.Status(500, "down"));
        await using var up = await Receiver.StartAsync();
        using var api = await app.ApiClientAsync();
        var failing = await TelemetryTests.CreateAsync(api, down.Url);
        var succeeding = await TelemetryTests.CreateAsync(api, up.Url);
        for (var n = 1; n <= 5; n++)
            await TelemetryTests.PublishAsync(api, n);
        await Eventually.WaitAsync(() => WebhookAsync(failing), w => w.ConsecutiveFailures == 5, what: "five failures recorded");
        await Eventually.WaitAsync(() => up.Requests, r => r.Count == 5, what: "the other webhook's deliveries");
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        await app.Get<FailingWebhooks>().CheckAsync(CancellationToken.None);

        var stillActive = await WebhookAsync(failing);
        Assert.Equal((true, null), (stillActive.IsActive, stillActive.DisabledReason));
        Assert.NotNull(stillActive.FailingSince);
        var fine = await WebhookAsync(succeeding);
        Assert.Equal((true, null, 0), (fine.IsActive, fine.FailingSince, fine.ConsecutiveFailures));
    }

    [Fact]
    public async Task A_success_ends_the_run_of_failures()
    {
        await TelemetryTests.DeactivateEarlierWebhooksAsync(app);
        var failing = true;
        await using var receiver = await Receiver.StartAsync((_, _, _) => Task.FromResult(failing
            ? Microsoft.AspNetCore.Http.Results.Text("down", statusCode: 500)
            : Microsoft.AspNetCore.Http.Results.Ok()));
        using var api = await app.ApiClientAsync();
        var webhookId = await TelemetryTests.CreateAsync(api, receiver.Url);
        for (var n = 1; n <= 3; n++)
            await TelemetryTests.PublishAsync(api, n);
        var failingSince = (await Eventually.WaitAsync(() => WebhookAsync(webhookId), w => w.ConsecutiveFailures == 3, what: "three failures")).FailingSince;
        Assert.NotNull(failingSince);

        failing = false;
        await TelemetryTests.PublishAsync(api, n: 4);

        var recovered = await Eventually.WaitAsync(() => WebhookAsync(webhookId), w => w.FailingSince is null, what: "the run ended");
        Assert.Equal((0, true), (recovered.ConsecutiveFailures, recovered.IsActive));
    }

    [Fact]
    public async Task A_check_that_failed_does_not_hold_the_app_s_shutdown_for_its_pause()
    {
        var database = new UnreachableDatabase();
        // At the default five days, a check runs every ten minutes, and so does the next try after a failure.
        using var checks = new FailingWebhooks(database, app.Get<WebhookDirectory>(), Options.Create(new DeliveryOptions()), TimeProvider.System,
            new RecordedNotices(), NullLogger<FailingWebhooks>.Instance);
        await checks.StartAsync(CancellationToken.None);
        await database.Asked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(200);

        var stopped = checks.StopAsync(CancellationToken.None);
        var stoppedAtOnce = await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(10))) == stopped;

        Assert.True(stoppedAtOnce, "stopping waited for the pause after the failed check");
    }

    private sealed class UnreachableDatabase : IDbContextFactory<WebhookAdminDbContext>
    {
        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public WebhookAdminDbContext CreateDbContext()
        {
            Asked.TrySetResult();
            throw new TimeoutException("The database did not answer.");
        }
    }

    private async Task<Webhook> WebhookAsync(string id)
    {
        await using var db = await app.Get<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        return await db.Webhooks.AsNoTracking().SingleAsync(w => w.Id == id);
    }
}
