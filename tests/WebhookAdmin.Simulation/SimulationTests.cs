using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace WebhookAdmin.Simulation;

/// <summary>
/// The delivery engine under thousands of seeded runs (see <see cref="Simulator"/>). A failing seed is printed with the
/// command that replays it. <c>WEBHOOKADMIN_SIM_SEEDS</c> sets how many seeds the search runs (2,000 by default) and
/// <c>WEBHOOKADMIN_SIM_FIRST_SEED</c> where it starts.
/// </summary>
public sealed class SimulationTests(ITestOutputHelper output)
{
    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;

    [Fact]
    public void Thousands_of_seeded_runs_keep_every_delivery_promise()
    {
        var seeds = Setting("WEBHOOKADMIN_SIM_SEEDS", 2_000);
        var first = Setting("WEBHOOKADMIN_SIM_FIRST_SEED", 1);
        var stopwatch = Stopwatch.StartNew();
        var results = Search(first, seeds, PlantedFault.None);
        stopwatch.Stop();
        var failed = results.Where(r => !r.Passed).OrderBy(r => r.Seed).ToList();
        output.WriteLine(
            $"{results.Count:N0} seeds ({first}–{first + seeds - 1}) in {stopwatch.Elapsed.TotalSeconds:N1} s: {results.Sum(r => r.Events):N0} events, " +
            $"{results.Sum(r => r.Deliveries):N0} deliveries, {results.Sum(r => r.Sends):N0} requests, {results.Sum(r => r.Steps):N0} scheduler steps, {results.Sum(r => r.Takeovers):N0} lease takeovers, " +
            $"{TimeSpan.FromTicks(results.Sum(r => r.SimulatedTime.Ticks)).TotalHours:N0} simulated hours; {failed.Count} failed");
        Assert.True(failed.Count == 0, string.Join("\n\n", failed.Take(5).Select(Describe)));
    }

    [Fact]
    public void One_seed_replayed_runs_exactly_as_before_and_tells_its_story()
    {
        var seed = Setting("WEBHOOKADMIN_SIM_SEED", 1);
        var fault = Enum.TryParse<PlantedFault>(Environment.GetEnvironmentVariable("WEBHOOKADMIN_SIM_FAULT"), out var planted) ? planted : PlantedFault.None;
        var first = Simulator.Run(seed, fault, trace: true);
        var again = Simulator.Run(seed, fault);
        foreach (var line in first.Trace)
            output.WriteLine(line);
        output.WriteLine($"seed {seed}: {first.Steps:N0} steps, {first.SimulatedTime}, fingerprint {first.Fingerprint:x16}");
        Assert.Equal(first.Fingerprint, again.Fingerprint);
        Assert.Equal(first.Steps, again.Steps);
        Assert.True(first.Passed, Describe(first));
    }

    [Theory]
    [InlineData(PlantedFault.ReordersQueue)]
    [InlineData(PlantedFault.LosesAttemptRecords)]
    [InlineData(PlantedFault.HidesPendingBefore)]
    [InlineData(PlantedFault.RepeatsAWebhookNumber)]
    public void The_search_catches_a_store_that_breaks_its_contract(PlantedFault fault)
    {
        var results = Search(1, 200, fault);
        var caught = results.Where(r => !r.Passed).ToList();
        output.WriteLine($"{fault}: {caught.Count} of {results.Count} seeds caught it; first: {(caught.Count > 0 ? Describe(caught.MinBy(r => r.Seed)!) : "none")}");
        Assert.NotEmpty(caught);
    }

    private static List<SimResult> Search(int first, int count, PlantedFault fault)
    {
        var results = new ConcurrentBag<SimResult>();
        var next = first - 1;
        var last = first + count - 1;
        // Each seed runs alone on one thread; seeds run side by side on every core.
        var threads = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            int seed;
            while ((seed = Interlocked.Increment(ref next)) <= last)
                results.Add(Simulator.Run(seed, fault));
        }, 16 * 1024 * 1024)).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return [.. results];
    }

    private static string Describe(SimResult result) =>
        $"seed {result.Seed}: {string.Join("\n  ", result.Violations.Prepend(""))}\n  replay: {result.ReplayCommand}";
}
