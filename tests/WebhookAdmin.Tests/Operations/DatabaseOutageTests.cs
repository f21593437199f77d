using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using Xunit.Abstractions;

namespace WebhookAdmin.Tests.Operations;

/// <summary>
/// PostgreSQL unreachable, then restarted, under steady publishing through the real API: publishes answer 202 or a
/// prompt 503, <c>/health/ready</c> follows the database, and every accepted event is delivered, in order, once it is back.
/// </summary>
[Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
[Collection(SeparateProcesses.Name)]
public sealed class DatabaseOutageTests(DatabaseOutageTests.App app, ITestOutputHelper output) : IClassFixture<DatabaseOutageTests.App>
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The app reaches PostgreSQL through a proxy the test pauses and cuts.</summary>
    public sealed class App : TestApp
    {
        public TcpProxy Proxy { get; private set; } = null!;

        protected override string AppConnectionString(string database)
        {
            Proxy = new TcpProxy(new Npgsql.NpgsqlConnectionStringBuilder(database).Port);
            return Proxy.Through(database);
        }

        protected override IEnumerable<string> ExtraArguments => [$"--Webhooks:Events:StoreTimeout={StoreTimeout}"];
    }

    private sealed record Answer(int N, HttpStatusCode Status, TimeSpan Took, bool RetryAfter);

    [Fact]
    public async Task Publishes_during_an_outage_and_a_restart_answer_202_or_a_prompt_503_health_follows_and_every_202_is_delivered_in_order()
    {
        await using var receiver = await Receiver.StartAsync();
        using var api = await app.ApiClientAsync();
        api.Timeout = TimeSpan.FromSeconds(60);
        using (var created = await api.PostAsJsonAsync("/api/v3/webhook/subscription", new { name = "Outage", url = receiver.Url, trigger = "create-edit-delete-user" }))
            created.EnsureSuccessStatusCode();

        var answers = new ConcurrentQueue<Answer>();
        var health = new ConcurrentQueue<(TimeSpan At, bool Healthy)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var publishing = PublishSteadilyAsync(api, answers, stop.Token);
        var watching = WatchHealthAsync(health, clock, stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(2));
        // Unreachable: nothing gets through for 8 s, connections stay open.
        app.Proxy.Pause();
        var pausedAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(8));
        app.Proxy.Resume();
        var resumedAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(4));
        // A restart: every connection closed, and none gets through for 6 s.
        app.Proxy.Pause();
        app.Proxy.Cut();
        var cutAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(6));
        app.Proxy.Resume();
        var backAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(12));
        await stop.CancelAsync();
        await publishing;
        await watching;

        var all = answers.ToArray();
        var accepted = all.Where(a => a.Status == HttpStatusCode.Accepted).Select(a => a.N).ToArray();
        var refused = all.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToArray();
        var healthy1 = health.FirstOrDefault(h => h.At > resumedAt && h.Healthy).At - resumedAt;
        var healthy2 = health.FirstOrDefault(h => h.At > backAt && h.Healthy).At - backAt;
        output.WriteLine($"answers: {accepted.Length} x 202, {refused.Length} x 503, others {all.Length - accepted.Length - refused.Length}; " +
            $"slowest {all.Max(a => a.Took).TotalSeconds:0.0} s; healthy again {healthy1.TotalSeconds:0.0} s and {healthy2.TotalSeconds:0.0} s after the returns");

        Assert.All(all, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"event {a.N} answered {a.Status}"));
        Assert.All(all, a => Assert.True(a.Took < StoreTimeout + TimeSpan.FromSeconds(3), $"event {a.N} took {a.Took}"));
        Assert.All(refused, a => Assert.True(a.RetryAfter, $"event {a.N}: 503 without Retry-After"));
        Assert.Contains(refused, a => a.N > 0);
        Assert.True(accepted.Length > 50, $"only {accepted.Length} accepted");
        // Health: Unhealthy during each outage, Healthy again within 10 s of each return.
        Assert.Contains(health, h => h.At > pausedAt + TimeSpan.FromSeconds(3) && h.At < resumedAt && !h.Healthy);
        Assert.Contains(health, h => h.At > cutAt + TimeSpan.FromSeconds(3) && h.At < backAt && !h.Healthy);
        Assert.InRange(healthy1, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.InRange(healthy2, TimeSpan.Zero, TimeSpan.FromSeconds(10));

        // Nothing accepted is lost; first deliveries in publish order (a 503'd event whose commit was under way may arrive too).
        var arrivals = await Eventually.WaitAsync(() => receiver.Arrivals.Distinct().ToArray(), seen => accepted.All(seen.Contains),
            TimeSpan.FromSeconds(60), "every accepted event delivered");
        Assert.Equal(arrivals.Order(), arrivals);
    }

    /// <summary>One event after another, each numbered and carrying its number as caller id, until told to stop.</summary>
    private static async Task PublishSteadilyAsync(HttpClient api, ConcurrentQueue<Answer> answers, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await api.PostAsJsonAsync("/api/v3/webhook/events",
                new { id = $"outage-{n}", type = "COTUser", @event = "edit", data = new { n } }, CancellationToken.None);
            answers.Enqueue(new Answer(n, response.StatusCode, Stopwatch.GetElapsedTime(started), response.Headers.RetryAfter is not null));
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private async Task WatchHealthAsync(ConcurrentQueue<(TimeSpan, bool)> health, Stopwatch clock, CancellationToken stop)
    {
        using var anonymous = app.Anonymous();
        anonymous.Timeout = TimeSpan.FromSeconds(30);
        while (!stop.IsCancellationRequested)
        {
            using var response = await anonymous.GetAsync("/health/ready", CancellationToken.None);
            health.Enqueue((clock.Elapsed, response.StatusCode == HttpStatusCode.OK));
            await Task.Delay(250, CancellationToken.None);
        }
    }
}
