using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

/// <summary>The app killed with SIGKILL in the middle of a run, then started again on the same database.</summary>
[Collection(SeparateProcesses.Name)]
public sealed class CrashTests
{
    private const int Webhooks = 4;
    private const int EventCount = 10_000;
    private const int BatchSize = 50;

    /// <summary>On PostgreSQL the restarted process is a new instance: it takes over once the dead one's leases run out.</summary>
    private static readonly string[] QuickTakeover = ["--Webhooks:Delivery:LeaseTimeout=00:00:03", "--Webhooks:Delivery:Timeout=00:00:01.200"];

    [Fact]
    public async Task A_kill_9_mid_run_loses_no_accepted_event_inverts_nothing_and_repeats_only_unrecorded_deliveries()
    {
        var receivers = await Task.WhenAll(Enumerable.Range(0, Webhooks).Select(_ => Receiver.StartAsync()));
        var folder = Directory.CreateTempSubdirectory("webhookadmin-crash-").FullName;
        var database = await TestStorage.NewDatabaseAsync(folder);
        try
        {
            var accepted = new HashSet<int>();
            string[] webhookIds;
            await using (var first = await AppProcess.StartAsync(database, QuickTakeover))
            {
                using var api = await first.ApiClientAsync();
                webhookIds = await Task.WhenAll(receivers.Select(async (receiver, i) =>
                {
                    using var created = await api.PostAsJsonAsync("/api/v3/webhook/subscription",
                        new { name = $"Crash receiver {i}", url = receiver.Url, trigger = "create-edit-delete-user" });
                    return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;
                }));

                // Publishing goes on while deliveries flow; the kill comes half-way through publishing, deliveries under way.
                var publishing = PublishUntilRefusedAsync(api, accepted, from: 0);
                await Eventually.WaitAsync(() => (Accepted: Count(accepted), Arrived: receivers.Sum(r => r.Requests.Count)),
                    progress => progress.Accepted >= EventCount / 2 && progress.Arrived > 0, TimeSpan.FromSeconds(60), "half the events published and deliveries begun");
                await first.KillAsync();
                await publishing;
            }
            // Killed mid-publish and mid-delivery.
            Assert.InRange(accepted.Count, 1, EventCount - 1);
            var recorded = await RecordedDeliveriesAsync(database);
            var arrivedBeforeRestart = receivers.Sum(r => r.Requests.Count);

            await using (var second = await AppProcess.StartAsync(database, QuickTakeover))
            {
                using var api = await second.ApiClientAsync();
                // What was not answered before the kill is published again with the same caller ids: stored once either way.
                var unanswered = Enumerable.Range(0, EventCount).Where(n => !accepted.Contains(n)).ToArray();
                await PublishAsync(api, unanswered, accepted);
                Assert.Equal(EventCount, accepted.Count);
                await Eventually.WaitAsync(() => receivers.Min(r => r.Arrivals.Distinct().Count()), n => n == EventCount,
                    TimeSpan.FromSeconds(120), $"every event at every receiver\n{second.Output}");
            }

            Assert.True(arrivedBeforeRestart > 0 && receivers.Sum(r => r.Requests.Count) > arrivedBeforeRestart, "both runs delivered");
            foreach (var receiver in receivers)
            {
                var firstArrivals = receiver.Arrivals.Distinct().ToArray();
                // 0 lost, 0 inversions: every event, in publish order (the numbers were published in order).
                Assert.Equal(Enumerable.Range(0, EventCount), firstArrivals);
                foreach (var repeated in receiver.Requests.GroupBy(r => r.N).Where(g => g.Count() > 1))
                {
                    var messageIds = repeated.Select(r => r.Header("webhook-id")).Distinct().ToArray();
                    Assert.Single(messageIds);
                    Assert.DoesNotContain(messageIds[0], recorded);
                }
            }
        }
        finally
        {
            foreach (var receiver in receivers)
                await receiver.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Count(HashSet<int> accepted)
    {
        lock (accepted)
            return accepted.Count;
    }

    /// <summary>Publishes every event in order, a batch at a time, until the app stops answering.</summary>
    private static async Task PublishUntilRefusedAsync(HttpClient api, HashSet<int> accepted, int from)
    {
        try
        {
            await PublishAsync(api, Enumerable.Range(from, EventCount - from).ToArray(), accepted);
        }
        catch (HttpRequestException)
        {
            // Killed: the batch in flight may or may not have been stored; its caller ids tell after the restart.
        }
    }

    private static async Task PublishAsync(HttpClient api, int[] numbers, HashSet<int> accepted)
    {
        foreach (var batch in numbers.Chunk(BatchSize))
        {
            var events = batch.Select(n => new { id = $"crash-{n}", type = "COTUser", @event = "edit", data = new { n } }).ToArray();
            using var response = await api.PostAsJsonAsync("/api/v3/webhook/events", events);
            response.EnsureSuccessStatusCode();
            var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToArray();
            Assert.All(items, item => Assert.Contains(item.GetProperty("result").GetString(), new[] { "accepted", "repeated" }));
            lock (accepted)
                accepted.UnionWith(batch);
            await Task.Delay(20);
        }
    }

    /// <summary>The webhook-ids of deliveries whose outcome was stored when the process died.</summary>
    private static async Task<HashSet<string>> RecordedDeliveriesAsync(string database)
    {
        await using var db = TestStorage.Context(database);
        var recorded = await db.WebhookLogs.Where(l => l.State != DeliveryState.Pending).Select(l => new { l.Id, l.CreatedAt }).ToListAsync();
        return recorded.Select(l => ObjectId.OfLog(l.CreatedAt, l.Id)).ToHashSet();
    }
}
