using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Benchmarks;

/// <summary>The chaos run's knobs (<c>--chaos</c> and the options beside it in Program.cs).</summary>
internal sealed record ChaosSettings(
    int Events, TimeSpan RetryDelay, TimeSpan Timeout, int MaxAttempts, int Backlog, TimeSpan Deadline, TimeSpan StallAfter,
    TimeSpan PublishTimeout, int Concurrency);

/// <summary>What one phase (the chaos run, or its baseline without the hostile companies) gave.</summary>
internal sealed record ChaosFigures(
    bool Hostile, int HealthyAccepted, int HealthyArrived, int HealthyLost, double DeliveriesPerSecond, double PublishedPerSecond,
    double P50, double P95, double P99, int Inversions, double PeakMiB, double Seconds, string Ending, string Hostiles);

/// <summary>
/// Tenants under fire: 10 companies of 10 webhooks (a COTTask webhook per workflow, so each event goes to exactly one of
/// its company's webhooks). Companies 0 and 1 have silent receivers (they take the request and never answer), company
/// 2's receivers answer 200 with NUL bytes and invalid UTF-8, companies 3–9 are healthy; ten receivers of the healthy
/// companies are slow (500–1,000 ms per answer) and a fifth of all first attempts are answered 500. The baseline is the
/// same healthy companies and load without companies 0–2.
/// Each healthy company publishes its share, one event after another, as fast as the engine takes it, to whichever of
/// its workflows has fewer than <see cref="ChaosSettings.Backlog"/> events published and not yet arrived (a bounded
/// backlog: the healthy companies' own pace, so their latency is the engine's and not a queue the benchmark built). A
/// hostile company publishes its share at the healthy companies' average pace, with no bound: it keeps publishing to
/// receivers that never answer. A phase ends when every healthy event accepted has arrived, when nothing healthy moved
/// for <see cref="ChaosSettings.StallAfter"/> (reported as a stall), or at <see cref="ChaosSettings.Deadline"/>.
/// </summary>
internal sealed class ChaosBenchmark(ChaosReceiver receiver, MemorySampler memory, BenchStorage storage, ChaosSettings settings)
{
    public const int Companies = 10;
    public const int WebhooksPerCompany = 10;
    private const int FirstHealthy = 3;

    private static readonly TimeSpan TeardownLimit = TimeSpan.FromSeconds(30);

    public static string CompanyId(int company) => $"65c0a0000000000000000a{company:x2}";

    private static string Workflow(int webhook) => $"7a5c0000000000000000f0{webhook:x2}";

    public static ReceiverKind KindOf(int webhook) => (webhook / WebhooksPerCompany) switch
    {
        0 or 1 => ReceiverKind.Silent,
        2 => ReceiverKind.Garbage,
        // Ten of the seventy healthy receivers (every seventh), spread over the companies 3–9.
        _ => webhook % 7 == 0 ? ReceiverKind.Slow : ReceiverKind.Healthy,
    };

    private static bool IsHealthy(int company) => company >= FirstHealthy;

    public string Describe() =>
        $"{Companies} companies × {WebhooksPerCompany} webhooks, {settings.Events:N0} events ({settings.Events / Companies:N0} per company); " +
        $"companies 0–1 silent, 2 garbage bytes, 3–9 healthy with {Enumerable.Range(0, 100).Count(w => KindOf(w) == ReceiverKind.Slow)} slow receivers (500–1,000 ms); " +
        $"{ChaosReceiver.FailFirstPercent} % of first attempts answered 500; RetryDelay {settings.RetryDelay.TotalSeconds:0.###} s, " +
        $"MaxAttempts {settings.MaxAttempts}, Timeout {settings.Timeout.TotalSeconds:0.###} s, MaxConcurrentDeliveries {settings.Concurrency}; " +
        $"healthy companies publish as fast as the engine takes their events with ≤ {settings.Backlog} not yet arrived per webhook, " +
        $"hostile ones at the healthy average pace, unbounded; a phase ends at {settings.Deadline.TotalSeconds:N0} s or after {settings.StallAfter.TotalSeconds:N0} s without progress";

    /// <summary>One phase: <paramref name="hostile"/> false is the baseline (companies 0–2 neither exist nor publish).</summary>
    public async Task<ChaosFigures> RunAsync(bool hostile)
    {
        var perCompany = settings.Events / Companies;
        var kinds = Enumerable.Range(0, Companies * WebhooksPerCompany).Select(KindOf).ToArray();
        var run = receiver.Begin(kinds, perCompany);
        var companies = Enumerable.Range(0, Companies).Where(c => hostile || IsHealthy(c)).ToArray();
        var target = await DispatcherTarget.StartAsync(receiver.BaseUrl, webhooks: 0, settings.Concurrency, storage, settings: new Dictionary<string, string?>
        {
            [$"{DeliveryOptions.SectionName}:RetryDelay"] = settings.RetryDelay.ToString("c", CultureInfo.InvariantCulture),
            [$"{DeliveryOptions.SectionName}:Timeout"] = settings.Timeout.ToString("c", CultureInfo.InvariantCulture),
            [$"{DeliveryOptions.SectionName}:MaxAttempts"] = settings.MaxAttempts.ToString(CultureInfo.InvariantCulture),
        });
        var webhookIds = new string?[kinds.Length];
        var service = target.Services.GetRequiredService<WebhookService>();
        foreach (var c in companies)
        {
            for (var w = c * WebhooksPerCompany; w < (c + 1) * WebhooksPerCompany; w++)
            {
                var outcome = await service.CreateAsync(CompanyId(c), new WebhookDraft($"Chaos {w} ({kinds[w]})", $"{receiver.BaseUrl}/chaos/{w}",
                    WebhookTrigger.Task, new WebhookContext("", "", Workflow(w))));
                webhookIds[w] = outcome is WebhookOutcome.Saved saved ? saved.Webhook.Id : throw new InvalidOperationException($"Could not create chaos webhook {w}: {outcome}");
            }
        }

        var published = new int[kinds.Length];
        var publishedAt = kinds.Select(_ => new long[perCompany]).ToArray();
        var publisher = target.Services.GetRequiredService<IEventPublisher>();
        var healthyCompanies = companies.Count(IsHealthy);
        var healthyAccepted = 0;
        var unanswered = 0;
        var lastPublish = 0L;
        using var stop = new CancellationTokenSource();
        memory.Reset();
        var start = Stopwatch.GetTimestamp();

        async Task PublishCompanyAsync(int company)
        {
            var first = company * WebhooksPerCompany;
            var next = 0;
            for (var i = 0; i < perCompany && !stop.IsCancellationRequested; i++)
            {
                int w;
                if (IsHealthy(company))
                {
                    // The next workflow with room in its backlog, in turn.
                    while ((w = Enumerable.Range(0, WebhooksPerCompany).Select(o => first + (next + o) % WebhooksPerCompany)
                               .FirstOrDefault(x => published[x] - run.Received(x) < settings.Backlog, -1)) < 0)
                        await Task.Delay(1, stop.Token);
                }
                else
                {
                    // A hostile company keeps step with the healthy companies' average, whatever its receivers do.
                    while (i * healthyCompanies > Volatile.Read(ref healthyAccepted))
                        await Task.Delay(1, stop.Token);
                    w = first + next % WebhooksPerCompany;
                }
                next = (w - first + 1) % WebhooksPerCompany;
                var k = published[w];
                var cotEvent = new CotEvent(CotEventTypes.Task, CotEventNames.Edit,
                    JsonSerializer.SerializeToElement(new { run = run.Number, k, taskGroup = Workflow(w), _id = "62742b7562f37034d9399914", name = "Chaos task" }));
                publishedAt[w][k] = Stopwatch.GetTimestamp();
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                limit.CancelAfter(settings.PublishTimeout);
                PublishOutcome outcome;
                try
                {
                    // WaitAsync too: a publish that ignores its token must not hold the benchmark.
                    outcome = await publisher.PublishAsync(CompanyId(company), cotEvent, limit.Token).WaitAsync(settings.PublishTimeout * 1.5, stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or TimeoutException && !stop.IsCancellationRequested)
                {
                    // No answer in time: the engine is stuck for this company; it stops publishing (the event's fate is unknown).
                    Interlocked.Increment(ref unanswered);
                    return;
                }
                if (outcome is not PublishOutcome.Accepted)
                    throw new InvalidOperationException($"Chaos event {k} of webhook {w} was not accepted: {outcome}");
                published[w] = k + 1;
                Interlocked.Exchange(ref lastPublish, Stopwatch.GetTimestamp());
                if (IsHealthy(company))
                    Interlocked.Increment(ref healthyAccepted);
            }
        }

        var publishers = companies.Select(c => Task.Run(() => PublishCompanyAsync(c))).ToArray();
        var healthyPublishers = Task.WhenAll(publishers.Where((_, i) => IsHealthy(companies[i])));
        var healthyWebhooks = Enumerable.Range(0, kinds.Length).Where(w => IsHealthy(w / WebhooksPerCompany)).ToArray();
        string ending;
        var progress = -1L;
        var progressAt = start;
        while (true)
        {
            var arrived = healthyWebhooks.Sum(run.Received);
            var accepted = Volatile.Read(ref healthyAccepted);
            if (healthyPublishers.IsCompleted && arrived >= accepted)
            {
                ending = healthyPublishers.IsCompletedSuccessfully ? "completed" : $"publisher failed: {healthyPublishers.Exception?.GetBaseException().Message}";
                break;
            }
            if (arrived + accepted != progress)
                (progress, progressAt) = (arrived + accepted, Stopwatch.GetTimestamp());
            else if (Stopwatch.GetElapsedTime(progressAt) > settings.StallAfter)
            {
                ending = $"STALLED: nothing healthy published or arrived for {settings.StallAfter.TotalSeconds:N0} s";
                break;
            }
            if (Stopwatch.GetElapsedTime(start) > settings.Deadline)
            {
                ending = $"DEADLINE: stopped at {settings.Deadline.TotalSeconds:N0} s";
                break;
            }
            await Task.Delay(20);
        }
        var seconds = Stats.Seconds(start);
        var peak = memory.PeakMiB;
        await stop.CancelAsync();
        if (!await EndsWithinAsync(Task.WhenAll(publishers.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default))), TeardownLimit))
            ending += "; publishers still blocked after the stop (abandoned)";
        if (Volatile.Read(ref unanswered) is > 0 and var stuck)
            ending += $"; {stuck} publish call(s) got no answer within {settings.PublishTimeout.TotalSeconds:N0} s (that company stopped publishing)";

        var latencies = new List<double>(Volatile.Read(ref healthyAccepted));
        var lost = 0;
        var last = start;
        foreach (var w in healthyWebhooks)
        {
            for (var k = 0; k < published[w]; k++)
            {
                var arrivedAt = run.Arrivals[w][k];
                if (arrivedAt == 0)
                {
                    lost++;
                    continue;
                }
                latencies.Add(Stopwatch.GetElapsedTime(publishedAt[w][k], arrivedAt).TotalMilliseconds);
                last = Math.Max(last, arrivedAt);
            }
        }
        latencies.Sort();
        var hostiles = hostile ? await HostileRecordAsync(target, run, webhookIds, published) : "";
        if (!await EndsWithinAsync(target.DisposeAsync().AsTask(), TeardownLimit))
            ending += $"; the app did not stop within {TeardownLimit.TotalSeconds:N0} s (abandoned)";

        var healthySeconds = Math.Max(Stopwatch.GetElapsedTime(start, last).TotalSeconds, 1e-6);
        var publishSeconds = Math.Max(Stopwatch.GetElapsedTime(start, Math.Max(start, Interlocked.Read(ref lastPublish))).TotalSeconds, 1e-6);
        return new ChaosFigures(hostile, Volatile.Read(ref healthyAccepted), latencies.Count, lost, latencies.Count / healthySeconds,
            Volatile.Read(ref healthyAccepted) / publishSeconds, Figures.Percentile(latencies, 0.50), Figures.Percentile(latencies, 0.95), Figures.Percentile(latencies, 0.99),
            run.Inversions, peak, seconds, ending, hostiles);
    }

    /// <summary>
    /// What the hostile companies' deliveries left: published, seen by their receivers, and recorded in storage (logs by
    /// state, attempts), read after the writer flushed (each step bounded: a stuck writer is reported, not waited for).
    /// </summary>
    private async Task<string> HostileRecordAsync(DispatcherTarget target, ChaosReceiver.Run run, string?[] webhookIds, int[] published)
    {
        var flushed = await EndsWithinAsync(target.Services.GetRequiredService<DeliveryWriter>().FlushAsync(), TeardownLimit);
        var parts = new List<string>();
        foreach (var (label, kind) in new[] { ("silent (companies 0–1)", ReceiverKind.Silent), ("garbage (company 2)", ReceiverKind.Garbage) })
        {
            var webhooks = Enumerable.Range(0, webhookIds.Length).Where(w => run.Kinds[w] == kind && webhookIds[w] is not null).ToArray();
            var ids = webhooks.Select(w => webhookIds[w]!).ToArray();
            var seen = kind == ReceiverKind.Silent
                ? $"{webhooks.Sum(w => run.Requests[w]):N0} requests taken, none answered"
                : $"{webhooks.Sum(run.Received):N0} arrived";
            string recorded;
            try
            {
                using var limit = new CancellationTokenSource(TeardownLimit);
                await using var db = await target.Services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync(limit.Token);
                var states = await db.WebhookLogs.Where(l => ids.Contains(l.WebhookId)).GroupBy(l => l.State)
                    .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, limit.Token);
                var attempts = await db.WebhookLogAttempts.CountAsync(a => db.WebhookLogs.Any(l => l.Id == a.LogId && ids.Contains(l.WebhookId)), limit.Token);
                recorded = $"recorded: {states.GetValueOrDefault(DeliveryState.Succeeded):N0} delivered, {states.GetValueOrDefault(DeliveryState.Failed):N0} failed, " +
                    $"{states.GetValueOrDefault(DeliveryState.Pending):N0} pending, {attempts:N0} attempts";
            }
            catch (Exception e) when (e is OperationCanceledException or DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                recorded = $"storage not readable: {e.GetType().Name}";
            }
            parts.Add($"{label}: {webhooks.Sum(w => published[w]):N0} published, {seen}; {recorded}");
        }
        return string.Join(" | ", parts) + (flushed ? "" : $" (the writer did not flush within {TeardownLimit.TotalSeconds:N0} s)");
    }

    private static async Task<bool> EndsWithinAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Runs <paramref name="runs"/> pairs (baseline, then chaos) and prints the medians beside each other.</summary>
    public static async Task RunAllAsync(BenchStorage storage, ChaosSettings settings, int runs)
    {
        await using var receiver = await ChaosReceiver.StartAsync();
        await using var memory = new MemorySampler();
        var chaos = new ChaosBenchmark(receiver, memory, storage, settings);
        Console.WriteLine($"WebhookAdmin chaos benchmark: {Environment.ProcessorCount} cores, {storage}, median of {runs} runs");
        Console.WriteLine(chaos.Describe());
        Console.WriteLine();
        var baselines = new List<ChaosFigures>();
        var hostiles = new List<ChaosFigures>();
        for (var i = 1; i <= runs; i++)
        {
            foreach (var hostile in new[] { false, true })
            {
                var figures = await chaos.RunAsync(hostile);
                (hostile ? hostiles : baselines).Add(figures);
                Console.WriteLine($"run {i} {(hostile ? "chaos   " : "baseline")}: {figures.Seconds:N0} s, {figures.Ending}; healthy {figures.HealthyAccepted:N0} published " +
                    $"({Stats.Format(figures.PublishedPerSecond)}/s), {figures.HealthyArrived:N0} arrived, {Stats.Format(figures.DeliveriesPerSecond)} deliveries/s, " +
                    $"p50/p95/p99 {Stats.Format(figures.P50)}/{Stats.Format(figures.P95)}/{Stats.Format(figures.P99)} ms, lost {figures.HealthyLost}, " +
                    $"inversions {figures.Inversions}, peak {figures.PeakMiB:N0} MiB");
                if (figures.Hostiles.Length > 0)
                    Console.WriteLine($"    hostile: {figures.Hostiles}");
                // Each phase on a settled heap, as a separate process would have.
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"healthy companies (3–9)",-44} {"baseline",12} {"chaos",12} {"ratio",7}  {"target",-26} met");
        Row("deliveries/s", r => r.DeliveriesPerSecond, "—", null);
        Row("p50 publish → arrival, ms", r => r.P50, "—", null);
        // A stalled phase's percentiles cover only what arrived before it stopped: no verdict from them.
        var completed = baselines.Concat(hostiles).All(r => r.Ending == "completed");
        Row("p95 publish → arrival, ms", r => r.P95, "≤ baseline + 250 ms", (b, c) => completed && c <= b + 250);
        Row("p99 publish → arrival, ms", r => r.P99, "—", null);
        Row("lost (accepted, not arrived at the end), worst", r => r.HealthyLost, "0", (_, c) => c == 0, worst: true);
        Row("inversions (all receivers), worst run", r => r.Inversions, "0", (_, c) => c == 0, worst: true);
        Row("peak resident memory, MiB", r => r.PeakMiB, "≤ 400 MiB", (_, c) => c <= 400);
        Row("a phase stalled or cut at the deadline", r => r.Ending == "completed" ? 0 : 1, "0", (_, c) => c == 0, worst: true);

        void Row(string label, Func<ChaosFigures, double> figure, string target, Func<double, double, bool>? met, bool worst = false)
        {
            var b = worst ? baselines.Max(figure) : baselines.Median(figure);
            var c = worst ? hostiles.Max(figure) : hostiles.Median(figure);
            var ratio = b > 0 && !worst ? (c / b).ToString("0.00x", CultureInfo.InvariantCulture) : "—";
            var verdict = met is null ? "" : met(b, c) && (!worst || b == 0) ? "yes" : "NO";
            // Counts (worst of the runs) print as counts.
            string Show(double value) => worst ? value.ToString("N0", CultureInfo.InvariantCulture) : Stats.Format(value);
            Console.WriteLine($"{label,-44} {Show(b),12} {Show(c),12} {ratio,7}  {target,-26} {verdict}");
        }
    }
}
