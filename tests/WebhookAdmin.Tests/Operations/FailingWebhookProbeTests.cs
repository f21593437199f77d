using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Notices;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Operations;

/// <summary>
/// The half-open recovery end to end, through real receivers: a webhook past its deactivation threshold holds its
/// deliveries for <c>ProbeCoolDown</c>, then one attempt (the probe) decides between recovery and deactivation.
/// </summary>
public sealed class FailingWebhookProbeTests(FailingWebhookProbeTests.App app) : IClassFixture<FailingWebhookProbeTests.App>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";
    private static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(2);

    /// <summary>Two seconds of failures reach the threshold, the probe comes two seconds later, retries at once; notices are recorded.</summary>
    public sealed class App : TestApp
    {
        public RecordedNotices Notices { get; } = new();

        protected override IEnumerable<string> ExtraArguments =>
            ["--Webhooks:Delivery:DisableAfter=00:00:02", $"--Webhooks:Delivery:ProbeCoolDown={CoolDown:c}", "--Webhooks:Delivery:RetryDelay=00:00:00.010"];

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IOperationalNotices>(Notices);
    }

    [Fact]
    public async Task Nothing_is_sent_during_the_cool_down_and_a_probe_that_succeeds_keeps_the_webhook_active_and_says_it_recovered()
    {
        await using var probing = await ProbingAsync(then: [21, 22, 23]);
        var (receiver, api, webhookId, probeAfter) = probing;

        // The three new deliveries are due, yet the lane holds them until the cool-down ends.
        await Task.Delay(Until(probeAfter - TimeSpan.FromMilliseconds(300)));
        Assert.Equal(60, receiver.Requests.Count);
        receiver.Answer = Answers.Status(200);

        await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 63, what: "the probe and the deliveries after it");
        Assert.Equal([21, 22, 23], receiver.Arrivals.Skip(60));
        var recovered = await Eventually.WaitAsync(() => WebhookAsync(webhookId), w => w.ProbeAfter is null, TimeSpan.FromSeconds(10), "the probe's end");
        Assert.Equal((true, null, null), (recovered.IsActive, recovered.FailingSince, recovered.DisabledReason));
        // Said just after the row changed: waited for, not read at once.
        var said = Assert.Single(await Eventually.WaitAsync(() => app.Notices.Of(webhookId).OfType<SaidNotice.Recovered>().ToArray(), s => s.Length > 0, what: "the recovery said"));
        Assert.True(said.Probed);
        Assert.DoesNotContain(app.Notices.Of(webhookId), n => n is SaidNotice.Disabled);

        // Later deliveries flow as usual.
        await TelemetryTests.PublishAsync(api, 24);
        await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 64, what: "a later delivery");
        Assert.Equal(24, receiver.Arrivals[^1]);
    }

    [Fact]
    public async Task A_probe_that_fails_deactivates_the_webhook_says_so_and_keeps_its_deliveries_for_an_activation()
    {
        await using var probing = await ProbingAsync(then: [21, 22]);
        var (receiver, api, webhookId, _) = probing;

        var deactivated = await Eventually.WaitAsync(() => WebhookAsync(webhookId), w => !w.IsActive, TimeSpan.FromSeconds(15), "the deactivation");

        // One attempt only, the probe, of the oldest delivery; it keeps its retries.
        Assert.Equal([21], receiver.Arrivals.Skip(60));
        Assert.Equal((20, null), (deactivated.ConsecutiveFailures, deactivated.ProbeAfter));
        Assert.StartsWith("Every delivery since ", deactivated.DisabledReason);
        var said = Assert.Single(await Eventually.WaitAsync(() => app.Notices.Of(webhookId).OfType<SaidNotice.Disabled>().ToArray(), s => s.Length > 0, what: "the deactivation said"));
        Assert.Equal((true, 20, deactivated.FailingSince), (said.Probed, said.Failures, (DateTime?)said.FailingSince));
        Assert.Equal([DeliveryState.Pending, DeliveryState.Pending], await StatesAsync(webhookId, 21, 22));

        receiver.Answer = Answers.Status(200);
        await SetActiveAsync(api, webhookId, true);
        await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 63, what: "the kept deliveries sent");
        Assert.Equal([21, 21, 22], receiver.Arrivals.Skip(60));
        Assert.DoesNotContain(app.Notices.Of(webhookId), n => n is SaidNotice.Recovered);
    }

    [Fact]
    public async Task An_admin_who_deactivates_and_activates_a_webhook_in_its_cool_down_ends_the_probe_and_it_resumes_at_once()
    {
        await using var probing = await ProbingAsync(then: [21]);
        var (receiver, api, webhookId, probeAfter) = probing;

        await SetActiveAsync(api, webhookId, false);
        receiver.Answer = Answers.Status(200);
        await SetActiveAsync(api, webhookId, true);

        await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 61, what: "the held delivery sent");
        Assert.True(DateTime.UtcNow < probeAfter, "the delivery waited for the cool-down the admin ended");
        var webhook = await WebhookAsync(webhookId);
        Assert.Equal((true, null, null, 0), (webhook.IsActive, webhook.ProbeAfter, webhook.WarnedFailingSince, webhook.WarnedPercent));
        Assert.DoesNotContain(app.Notices.Of(webhookId), n => n is SaidNotice.Disabled or SaidNotice.Recovered);
    }

    /// <summary>
    /// A webhook whose twenty deliveries all failed (sixty requests to a receiver that keeps failing) for the whole span,
    /// now in its probe, and the events published <paramref name="then"/>.
    /// </summary>
    private async Task<Probing> ProbingAsync(int[] then)
    {
        await TelemetryTests.DeactivateEarlierWebhooksAsync(app);
        var receiver = await Receiver.StartAsync(Answers.Status(503, "down"));
        var api = await app.ApiClientAsync();
        var webhookId = await TelemetryTests.CreateAsync(api, receiver.Url);
        for (var n = 1; n <= DeliveryOptions.DisableAfterFailures; n++)
            await TelemetryTests.PublishAsync(api, n);
        var webhook = await Eventually.WaitAsync(() => WebhookAsync(webhookId), w => w.ProbeAfter is not null, TimeSpan.FromSeconds(15), "the probe's start");
        Assert.Equal((true, 20, 60), (webhook.IsActive, webhook.ConsecutiveFailures, receiver.Requests.Count));
        foreach (var n in then)
            await TelemetryTests.PublishAsync(api, n);
        return new Probing(receiver, api, webhookId, webhook.ProbeAfter!.Value);
    }

    private sealed record Probing(Receiver Receiver, HttpClient Api, string WebhookId, DateTime ProbeAfter) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Api.Dispose();
            await Receiver.DisposeAsync();
        }
    }

    private static async Task SetActiveAsync(HttpClient api, string webhookId, bool isActive)
    {
        using var response = await api.PatchAsJsonAsync($"{Subscriptions}/{webhookId}", new { isActive });
        response.EnsureSuccessStatusCode();
    }

    private static TimeSpan Until(DateTime at) => at - DateTime.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.Zero;

    private async Task<Webhook> WebhookAsync(string id)
    {
        await using var db = await app.Get<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        return await db.Webhooks.AsNoTracking().SingleAsync(w => w.Id == id);
    }

    private async Task<DeliveryState[]> StatesAsync(string webhookId, params long[] webhookSequences)
    {
        await using var db = await app.Get<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        return await db.WebhookLogs.Where(l => l.WebhookId == webhookId && webhookSequences.Contains(l.WebhookSequence))
            .OrderBy(l => l.WebhookSequence).Select(l => l.State).ToArrayAsync();
    }
}
