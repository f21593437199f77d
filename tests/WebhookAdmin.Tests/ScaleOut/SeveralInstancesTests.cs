using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.ScaleOut;

/// <summary>Several app instances on one PostgreSQL database: shared work, one deliverer per webhook, takeover after a kill.</summary>
[Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
[Collection(SeparateProcesses.Name)]
public sealed class SeveralInstancesTests
{
    /// <summary>Short leases, so that a takeover after a kill is quick to watch (and attempts short enough to fit them).</summary>
    private static readonly string[] FastLeases = ["--Webhooks:Delivery:LeaseTimeout=00:00:03", "--Webhooks:Delivery:Timeout=00:00:01.200", "--Webhooks:Delivery:PollInterval=00:00:00.500"];

    [Fact]
    public async Task Two_instances_share_the_queues_and_after_one_is_killed_the_other_finishes_them_in_order_losing_nothing()
    {
        const int webhookCount = 4, eventCount = 5_000;
        var receivers = await Task.WhenAll(Enumerable.Range(0, webhookCount).Select(_ => Receiver.StartAsync()));
        var folder = Directory.CreateTempSubdirectory("webhookadmin-scaleout-").FullName;
        var database = await TestStorage.NewDatabaseAsync(folder);
        try
        {
            await using var survivor = await AppProcess.StartAsync(database, FastLeases);
            await using var victim = await AppProcess.StartAsync(database, FastLeases);
            using var toSurvivor = await survivor.ApiClientAsync();
            using var toVictim = await victim.ApiClientAsync();
            var webhookIds = new List<string>();
            foreach (var (receiver, i) in receivers.Select((r, i) => (r, i)))
                webhookIds.Add(await CreateUserWebhookAsync(i % 2 == 0 ? toSurvivor : toVictim, receiver.Url, $"Shared {i}"));

            // Batches go to both instances in turn, one after the other (so their order is the numbers' order).
            var accepted = new HashSet<int>();
            var publishing = Task.Run(async () =>
            {
                try
                {
                    foreach (var (batch, b) in Enumerable.Range(0, eventCount).Chunk(50).Select((batch, b) => (batch, b)))
                    {
                        await PublishAsync(b % 2 == 0 ? toSurvivor : toVictim, batch, accepted);
                        await Task.Delay(10);
                    }
                }
                catch (HttpRequestException)
                {
                    // The victim died with a batch in flight.
                }
            });
            await Eventually.WaitAsync(() => receivers.Sum(r => r.Requests.Count), n => n >= webhookCount * eventCount / 3, TimeSpan.FromSeconds(60), "a third of the deliveries");

            // Both hold webhooks and have delivered some when one of them dies.
            var holders = await HoldersAsync(database);
            Assert.Equal(2, holders.Values.Distinct().Count());
            Assert.All(webhookIds, id => Assert.NotEmpty(receivers[webhookIds.IndexOf(id)].Requests));
            await victim.KillAsync();
            var recorded = await RecordedAsync(database);
            await publishing;

            var unanswered = Enumerable.Range(0, eventCount).Where(n => !Contains(accepted, n)).ToArray();
            await PublishAsync(toSurvivor, unanswered, accepted);
            await Eventually.WaitAsync(() => receivers.Min(r => r.Arrivals.Distinct().Count()), n => n == eventCount,
                TimeSpan.FromSeconds(120), $"every event at every receiver\n{survivor.Output}");

            Assert.Single((await HoldersAsync(database)).Values.Distinct());
            foreach (var receiver in receivers)
            {
                // 0 lost, 0 inversions: every event, first arrivals in publish order; repeats only of unrecorded deliveries.
                Assert.Equal(Enumerable.Range(0, eventCount), receiver.Arrivals.Distinct());
                // Numbered 1 to 5,000 whichever instance stored them: no gap, no repeat, one number per event.
                Assert.Equal(Enumerable.Range(1, eventCount).Select(n => n.ToString(CultureInfo.InvariantCulture)),
                    receiver.Requests.DistinctBy(r => r.N).Select(r => r.Header("webhook-sequence")));
                Assert.All(receiver.Requests.GroupBy(r => r.Header("webhook-sequence")), number => Assert.Single(number.Select(r => r.N).Distinct()));
                foreach (var repeated in receiver.Requests.GroupBy(r => r.N).Where(g => g.Count() > 1))
                {
                    var messageId = Assert.Single(repeated.Select(r => r.Header("webhook-id")).Distinct());
                    Assert.DoesNotContain(messageId, recorded);
                }
            }
        }
        finally
        {
            foreach (var receiver in receivers)
                await receiver.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task With_100_webhooks_each_of_two_instances_delivers_between_30_and_70_percent()
    {
        await using var receiver = await Receiver.StartAsync();
        var settings = new Dictionary<string, string> { ["Timeout"] = "00:00:20", ["PollInterval"] = "00:00:00.250" };
        await using var first = await DispatcherHost.StartAsync(settings);
        await using var second = await DispatcherHost.StartAsync(settings, database: first.ConnectionString);
        for (var w = 0; w < 100; w++)
            await first.CreateUserWebhookAsync(receiver.Url, name: $"Spread {w}");
        // Two live instances, as the fair share counts them: a host is started before its dispatcher's first heartbeat,
        // and the first instance claiming before it would count itself alone and take every webhook.
        await Eventually.WaitAsync(async () =>
        {
            await using var db = TestStorage.Context(first.ConnectionString);
            return await db.DeliveryInstances.CountAsync();
        }, n => n == 2, TimeSpan.FromSeconds(15), "both instances' heartbeats");

        await first.Publisher.PublishManyAsync(Ids.Acme, Enumerable.Range(0, 30).Select(n => Events.UserEdit(n)).ToArray());
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n >= 3_000, TimeSpan.FromSeconds(60), "3,000 deliveries");

        // An attempt is counted once its answer is read, a moment after the receiver has the request.
        await Eventually.WaitAsync(() => Attempts(first) + Attempts(second), n => n >= 3_000, TimeSpan.FromSeconds(10), "3,000 attempts counted");
        var (a, b) = (Attempts(first), Attempts(second));
        Assert.Equal(3_000, a + b);
        Assert.InRange(a / 3_000.0, 0.30, 0.70);
    }

    [Fact]
    public async Task A_delivery_committed_elsewhere_goes_out_before_a_later_one_even_when_its_notification_is_late()
    {
        await using var receiver = await Receiver.StartAsync();
        // The holder never hears the other instance (as when a NOTIFY is slow to arrive) and polls rarely: only storage
        // can tell it that an earlier delivery exists.
        await using var holder = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["PollInterval"] = "00:00:30" },
            services: WithoutNotifications);
        await using var elsewhere = await DispatcherHost.StartAsync(database: holder.ConnectionString, dispatch: false);
        await holder.CreateUserWebhookAsync(receiver.Url);
        await holder.PublishUserEditsAsync(0);
        await Eventually.WaitAsync(() => receiver.Arrivals.Count, n => n == 1, TimeSpan.FromSeconds(10), "the first delivery");

        await elsewhere.PublishUserEditsAsync(1);
        await holder.PublishUserEditsAsync(2);

        await Eventually.WaitAsync(() => receiver.Arrivals.Count, n => n == 3, TimeSpan.FromSeconds(20), "all three deliveries");
        Assert.Equal(new[] { 0, 1, 2 }, receiver.Arrivals);
    }

    private static void WithoutNotifications(IServiceCollection services)
    {
        foreach (var listener in services.Where(d => !d.IsKeyedService && d.ImplementationType == typeof(Core.Storage.PostgreSql.PostgreSqlNotifications)).ToList())
            services.Remove(listener);
    }

    [Fact]
    public async Task A_sign_in_cookie_from_one_instance_works_on_the_other()
    {
        var folder = Directory.CreateTempSubdirectory("webhookadmin-scaleout-").FullName;
        var database = await TestStorage.NewDatabaseAsync(folder);
        try
        {
            await using var one = await AppProcess.StartAsync(database);
            await using var other = await AppProcess.StartAsync(database);
            // Cookies belong to a host, not a port: what instance one sets, instance two is sent (as behind one address).
            var cookies = new CookieContainer();

            Assert.Equal("/admin/webhooks", await BrowserSignIn.SignInAsync(cookies, one.BaseAddress, "/account/login?returnUrl=/admin/webhooks", "admin@acme.test", "acme-admin"));
            using var direct = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });
            using var onOther = await direct.GetAsync(new Uri(other.BaseAddress, "/admin/webhooks"));
            using var withoutCookie = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }).GetAsync(new Uri(other.BaseAddress, "/admin/webhooks"));

            Assert.Equal(HttpStatusCode.OK, onOther.StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, withoutCookie.StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_logs_tab_on_one_instance_hears_of_the_deliveries_another_instance_makes()
    {
        await using var receiver = await Receiver.StartAsync(Answers.FailEvent(n: 1, failures: 1));
        // The first instance only serves people; the second delivers.
        await using var people = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["Enabled"] = "false" });
        await using var worker = await DispatcherHost.StartAsync(database: people.ConnectionString);
        var webhook = await people.CreateUserWebhookAsync(receiver.Url);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(DeliveryState, int)>();
        using var tab = people.Services.GetRequiredService<LogNotifications>().Subscribe(webhook.Id, async () =>
        {
            foreach (var log in await people.LogsAsync(webhook.Id))
                seen.Enqueue((log.State, log.Retry));
        });

        await people.PublishUserEditsAsync(1);

        await Eventually.WaitAsync(() => seen.LastOrDefault(), last => last == (DeliveryState.Succeeded, 2), what: "the tab reading the other instance's final attempt");
        Assert.Equal(0, Attempts(people));
        Assert.Equal(2, Attempts(worker));
    }

    [Fact]
    public async Task A_logs_tab_on_one_instance_hears_of_an_event_published_on_another()
    {
        // Neither instance delivers: the only news of the webhook is the publish's.
        var quiet = new Dictionary<string, string> { ["Enabled"] = "false" };
        await using var people = await DispatcherHost.StartAsync(quiet);
        await using var publisher = await DispatcherHost.StartAsync(quiet, database: people.ConnectionString);
        var webhook = await people.CreateUserWebhookAsync("https://receiver.example/hook");
        var heard = new TaskCompletionSource();
        using var tab = people.Services.GetRequiredService<LogNotifications>().Subscribe(webhook.Id, () =>
        {
            heard.TrySetResult();
            return Task.CompletedTask;
        });

        // The publisher matches the webhook once it has heard it was created.
        await Eventually.WaitAsync(
            async () => await publisher.Publisher.PublishAsync(Ids.Acme, Events.UserEdit(1)), outcome => outcome is PublishOutcome.Accepted { Deliveries: 1 },
            what: "a publish on the other instance matching the new webhook");

        await heard.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Deactivating_on_one_instance_stops_the_deliveries_of_another_within_one_attempt()
    {
        await using var receiver = await Receiver.StartAsync(async (_, _, aborted) =>
        {
            await Task.Delay(30, aborted);
            return Microsoft.AspNetCore.Http.Results.Text("ok");
        });
        await using var people = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["Enabled"] = "false" });
        await using var worker = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["Timeout"] = "00:00:20" }, database: people.ConnectionString);
        var webhook = await people.CreateUserWebhookAsync(receiver.Url);
        await people.PublishUserEditsAsync(Enumerable.Range(1, 100).ToArray());
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n >= 5, what: "five deliveries");

        await people.Webhooks.SetActiveAsync(Ids.Acme, webhook.Id, isActive: false);
        var atDeactivation = receiver.Requests.Count;
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        // The change travels by NOTIFY: the attempt in flight, and at most the one the news crossed.
        Assert.InRange(receiver.Requests.Count, atDeactivation, atDeactivation + 2);
    }

    private static long Attempts(DispatcherHost host) => host.Services.GetRequiredService<DeliveryDispatcher>().AttemptsMade;

    private static async Task<string> CreateUserWebhookAsync(HttpClient api, string url, string name)
    {
        using var created = await api.PostAsJsonAsync("/api/v3/webhook/subscription", new { name, url, trigger = "create-edit-delete-user" });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;
    }

    private static async Task PublishAsync(HttpClient api, int[] numbers, HashSet<int> accepted)
    {
        foreach (var batch in numbers.Chunk(50))
        {
            var events = batch.Select(n => new { id = $"shared-{n}", type = "COTUser", @event = "edit", data = new { n } }).ToArray();
            using var response = await api.PostAsJsonAsync("/api/v3/webhook/events", events);
            response.EnsureSuccessStatusCode();
            lock (accepted)
                accepted.UnionWith(batch);
        }
    }

    private static bool Contains(HashSet<int> accepted, int n)
    {
        lock (accepted)
            return accepted.Contains(n);
    }

    private static async Task<Dictionary<string, string>> HoldersAsync(string database)
    {
        await using var db = TestStorage.Context(database);
        // Webhooks' leases only: the housekeeping duties (duty:…) share the table.
        return await db.DeliveryLeases.Where(l => !l.WebhookId.StartsWith("duty:")).ToDictionaryAsync(l => l.WebhookId, l => l.Owner);
    }

    private static async Task<HashSet<string>> RecordedAsync(string database)
    {
        await using var db = TestStorage.Context(database);
        var recorded = await db.WebhookLogs.Where(l => l.State != DeliveryState.Pending).Select(l => new { l.Id, l.CreatedAt }).ToListAsync();
        return recorded.Select(l => ObjectId.OfLog(l.CreatedAt, l.Id)).ToHashSet();
    }
}
