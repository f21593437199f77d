using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

/// <summary>One company's silent receivers never hold the delivery slots another company needs.</summary>
public sealed class FairnessTests(ITestOutputHelper output)
{
    private const int SilentWebhooks = 100;
    private const int Probes = 40;
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromMilliseconds(75);

    /// <summary>The target, with the margin it names; the loaded p95 on main's shared semaphore was seconds.</summary>
    private static readonly TimeSpan Allowance = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task Another_company_s_latency_stays_near_quiet_while_one_has_a_hundred_silent_receivers_on_both_providers()
    {
        await using var silent = await Receiver.StartAsync(Answers.Hang);
        await using var healthy = await Receiver.StartAsync();
        // The set-up: a 3 s timeout, the default 32 slots.
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["Timeout"] = "00:00:03" });
        await host.CreateUserWebhookAsync(healthy.Url, name: "Globex orders", company: Ids.Globex);

        // A first delivery warms up what the quiet figure should not count (the JIT, the connection).
        await host.PublishAsync(Events.UserEdit(0), Ids.Globex);
        await Eventually.WaitAsync(() => healthy.Requests.Count, count => count == 1, what: "Globex's warm-up delivery");
        var quiet = await ProbeAsync(host, healthy, first: 1);

        for (var i = 0; i < SilentWebhooks; i++)
            await host.CreateUserWebhookAsync(silent.Url, name: $"Silent {i}", company: Ids.Acme);
        using var stopAcme = new CancellationTokenSource();
        var acme = KeepPublishingAsync(host, stopAcme.Token);
        // Acme holds every slot it can get before Globex publishes again.
        await Eventually.WaitAsync(() => silent.Requests.Count, count => count >= 8, TimeSpan.FromSeconds(15), "Acme's silent receivers to hold slots");
        await Task.Delay(TimeSpan.FromSeconds(1));

        var loaded = await ProbeAsync(host, healthy, first: 1 + Probes);
        await stopAcme.CancelAsync();
        await acme;

        output.WriteLine($"{TestStorage.Provider}: Globex p95 quiet {Say(quiet)}, beside {SilentWebhooks} silent Acme receivers {Say(loaded)}; silent requests {silent.Requests.Count}");
        Assert.True(loaded <= quiet + Allowance,
            $"Globex's p95 went from {quiet.TotalMilliseconds:F1} ms (quiet) to {Say(loaded)} beside Acme's silent receivers.");
    }

    [Fact]
    public async Task A_company_share_above_all_the_slots_is_refused_at_start()
    {
        var start = DispatcherHost.StartAsync(new Dictionary<string, string>
        {
            ["MaxConcurrentDeliveries"] = "8",
            ["MaxConcurrentDeliveriesPerCompany"] = "9",
        });

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => start);
        Assert.Contains("MaxConcurrentDeliveriesPerCompany", refused.Message);
    }

    /// <summary>Publishes <see cref="Probes"/> events for Globex, paced, and gives the p95 of publish → arrival.</summary>
    private static async Task<TimeSpan> ProbeAsync(DispatcherHost host, Receiver receiver, int first)
    {
        var published = new Dictionary<int, TimeSpan>();
        for (var n = first; n < first + Probes; n++)
        {
            published[n] = Receiver.Now;
            await host.PublishAsync(Events.UserEdit(n), Ids.Globex);
            await Task.Delay(ProbeEvery);
        }
        // Waiting longer would prove nothing more: an event not there by then counts as never arrived.
        var deadline = Receiver.Now + TimeSpan.FromSeconds(20);
        while (receiver.Requests.Count(r => r.N >= first) < Probes && Receiver.Now < deadline)
            await Task.Delay(25);
        var arrived = receiver.Requests.Where(r => r.N >= first).ToDictionary(r => r.N, r => r.At);
        var latencies = published.Select(p => arrived.TryGetValue(p.Key, out var at) ? at - p.Value : TimeSpan.MaxValue).Order().ToArray();
        return latencies[(int)Math.Ceiling(latencies.Length * 0.95) - 1];
    }

    private static string Say(TimeSpan latency) =>
        latency == TimeSpan.MaxValue ? "more than 20 s (some never arrived)" : $"{latency.TotalMilliseconds:F1} ms";

    /// <summary>Acme keeps publishing to its silent receivers, four events a second, until told to stop.</summary>
    private static async Task KeepPublishingAsync(DispatcherHost host, CancellationToken stop)
    {
        for (var n = 1; !stop.IsCancellationRequested; n++)
        {
            await host.PublishAsync(Events.UserEdit(n), Ids.Acme);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
