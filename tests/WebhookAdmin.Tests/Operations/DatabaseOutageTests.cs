using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
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

        protected override void AfterStop() => Proxy.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Fact]
    public async Task Publishes_during_an_outage_and_a_restart_answer_202_or_a_prompt_503_health_follows_and_every_202_is_delivered_in_order()
    {
        await using var receiver = await Receiver.StartAsync();
        using var api = await app.ApiClientAsync();
        await TelemetryTests.CreateAsync(api, receiver.Url);

        var health = new ConcurrentQueue<(TimeSpan At, bool Healthy)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var publisher = new SteadyPublisher(api, "outage");
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
        await publisher.StopAsync();
        await stop.CancelAsync();
        await watching;

        var accepted = publisher.Accepted;
        var healthy1 = health.FirstOrDefault(h => h.At > resumedAt && h.Healthy).At - resumedAt;
        var healthy2 = health.FirstOrDefault(h => h.At > backAt && h.Healthy).At - backAt;
        output.WriteLine($"answers: {publisher.Summary()}; healthy again {healthy1.TotalSeconds:0.0} s and {healthy2.TotalSeconds:0.0} s after the returns");

        publisher.AssertOnly202Or503Within(StoreTimeout + TimeSpan.FromSeconds(3));
        Assert.True(publisher.Refused.Length >= 2, "no 503 during the outages");
        Assert.True(accepted.Length > 50, $"only {accepted.Length} accepted");
        // Health: Unhealthy during each outage, Healthy again within 10 s of each return.
        Assert.Contains(health, h => h.At > pausedAt + TimeSpan.FromSeconds(3) && h.At < resumedAt && !h.Healthy);
        Assert.Contains(health, h => h.At > cutAt + TimeSpan.FromSeconds(3) && h.At < backAt && !h.Healthy);
        Assert.InRange(healthy1, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.InRange(healthy2, TimeSpan.Zero, TimeSpan.FromSeconds(10));

        await SteadyPublisher.AssertDeliveredInOrderAsync(receiver, accepted);
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
