// The delivery path at the hardware's pace: every figure of the issue "Delivery at the hardware's pace", each beside a
// ceiling measured in the same run (plain HttpClient posts of the same bodies to the same 127.0.0.1 receiver, in-memory
// queues, no storage, the same traffic shape: one post in flight per webhook, at most --concurrency in all), as the
// median of --runs runs. Not a test; run it on a quiet machine with
//
//   dotnet run -c Release --project bench/WebhookAdmin.Benchmarks
//
// Rows (defaults in brackets):
//   burst, 100 webhooks    [--fanout-events 1000 × --webhooks 100] events published by --publishers [16] concurrent
//                          publishers as fast as they are taken; deliveries/s from the first publish to the last arrival
//   burst, 1 webhook       [--events 10000], strictly in order (checked per publisher stream)
//   paced, 1 webhook       [--paced-rate 1000] events/s for [--paced-seconds 8]: p95 publish call → first arrival
//   paced, 100 webhooks    [--fanout-paced-rate 20] events/s, each to every webhook
//   publishing, in process --publishers concurrent IEventPublisher callers for [--publish-seconds 5], each durable
//                          before its call returns, while the dispatcher delivers them; before them, one caller in
//                          a loop as long: the p50 of a call
//   POST events            wrk (Debian's package) with 16 connections for [--http-seconds 10]; one event per request,
//                          then [--batch 1000] per request with 4 connections (the load generator takes one of the 2 cores)
//   memory                 peak resident set of this process during the 100-webhook burst
//   backlog                [--backlog 1000000] pending deliveries seeded for one webhook: peak deliveries held in
//                          memory and resident set while it drains for [--drain-seconds 10]
//   bytes per log          the 100-webhook burst's database: file size less event bodies, per delivery log
//   purge                  [--purge-logs 1000000] delivered logs 60 days old (past the 30-day retention): the paced
//                          1-webhook p95, quiet and then while LogRetention purges them
// --only burst100|burst1|paced1|paced100|publish|http|backlog|purge runs one group (e.g. under dotnet-trace).
// --storage PostgreSql runs it all on a PostgreSQL server the benchmark starts from Debian's binaries (as the tests
// do), and --instances 2 with it shares that database between two app instances (two hosts in this process).
// The default run takes about 8 minutes on 2 cores.
//
// --scale-out runs only the scale-out benchmark (ScaleOut.cs, as root): PostgreSQL and 1, 2, 3 app instances as separate
// processes, each in a cgroup v1 CPU group with a quota ([--postgres-cpu 0.9], [--instance-cpu 0.15] each, this process —
// load generator and receiver — [--load-cpu 0.65]: 1.85–2 of the 2 cores, so an added instance adds CPU instead of taking
// it). For each instance count, [--runs 3] runs on the same instances, each with webhooks of its own: deliveries/s of a
// [--webhooks 100] × [--fanout-events 200] burst published through the API, and publishes/s of one company posting one
// event per call on [--publishers 16] connections for [--publish-seconds 5] (to one webhook, then spread over
// [--spread-webhooks 12], one per workflow, each event to one of them); PostgreSQL's CPU, and per delivery the statements
// (pg_stat_statements), transactions and WAL bytes (pg_stat_wal) PostgreSQL saw. Each phase is measured after the same
// load has run until the instances' compilers are quiet (at most [--warm-up-seconds 300]): a fresh process on a sixth of a
// core compiles its hot code for three to four minutes.
//
// --chaos runs only the chaos benchmark (Chaos.cs), tenants under fire, on --storage's provider: 10 companies × 10
// webhooks (one per workflow, so each event goes to one webhook); companies 0–1 silent (take the request, never answer),
// company 2 answering 200 with NUL bytes and invalid UTF-8, companies 3–9 healthy with 10 slow receivers (500–1,000 ms);
// 20 % of first attempts answered 500. [--events 100000] spread over the companies; [--retry-delay 1] s,
// [--max-attempts 3], [--attempt-timeout 5] s; healthy companies publish as fast as the engine takes their events with
// at most [--chaos-backlog 2] events not yet arrived per webhook, the hostile ones at the healthy average pace without
// a bound. Each run is a baseline (companies 3–9 alone, same load) then the chaos phase; a phase ends when every
// healthy event arrived, after [--stall-after 30] s without healthy progress (a STALL, reported), or at
// [--deadline 60 + events/100] s; a publish unanswered in 10 s stops that company's publisher. Prints healthy
// deliveries/s and p50/p95/p99 publish → arrival beside the baseline, lost, inversions, peak resident memory, and what
// storage recorded for the hostile companies.
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Bench;
using WebhookAdmin.Benchmarks;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;

var runs = Option("--runs", 3);
var fanout = Option("--webhooks", 100);
var fanoutEvents = Option("--fanout-events", 1000);
var events = Option("--events", 10_000);
var pacedRate = Option("--paced-rate", 1000.0);
var fanoutPacedRate = Option("--fanout-paced-rate", 20.0);
var pacedSeconds = Option("--paced-seconds", 8.0);
var publishers = Option("--publishers", 16);
var publishSeconds = Option("--publish-seconds", 5.0);
var httpSeconds = Option("--http-seconds", 10);
var batch = Option("--batch", 1000);
var backlog = Option("--backlog", 1_000_000);
var drainSeconds = Option("--drain-seconds", 10.0);
var purgeLogs = Option("--purge-logs", 1_000_000);
var budget = TimeSpan.FromSeconds(Option("--budget", 120.0));
var concurrency = Option("--concurrency", 32);
var storage = new BenchStorage(StorageSetup.ParseProvider(Array.IndexOf(args, "--storage") is var s && s >= 0 && s + 1 < args.Length ? args[s + 1] : null),
    Option("--instances", 1));
var only = Array.IndexOf(args, "--only") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
bool Runs(string group) => only is null || only == group;

if (args.Contains("--chaos"))
{
    // Its own run (see Chaos.cs): --events defaults to 100,000 here, spread over the 10 companies.
    await ChaosBenchmark.RunAllAsync(storage, new ChaosSettings(
        Events: args.Contains("--events") ? events : 100_000,
        RetryDelay: TimeSpan.FromSeconds(Option("--retry-delay", 1.0)),
        Timeout: TimeSpan.FromSeconds(Option("--attempt-timeout", 5.0)),
        MaxAttempts: Option("--max-attempts", 3),
        Backlog: Option("--chaos-backlog", 2),
        Deadline: TimeSpan.FromSeconds(Option("--deadline", 60 + (args.Contains("--events") ? events : 100_000) / 100.0)),
        StallAfter: TimeSpan.FromSeconds(Option("--stall-after", 30.0)),
        PublishTimeout: TimeSpan.FromSeconds(10),
        Concurrency: concurrency), runs);
    return;
}

if (args.Contains("--scale-out"))
{
    // Its own run (see ScaleOut.cs): PostgreSQL and every instance a process in a CPU cgroup with a quota.
    await ScaleOutBenchmark.RunAllAsync(new ScaleOutSettings(
        PostgresCpus: Option("--postgres-cpu", 0.9),
        InstanceCpus: Option("--instance-cpu", 0.15),
        LoadCpus: Option("--load-cpu", 0.65),
        MaxInstances: Option("--max-instances", 3),
        BurstEvents: Option("--fanout-events", 200),
        Webhooks: fanout,
        WarmUpTime: TimeSpan.FromSeconds(Option("--warm-up-seconds", 300.0)),
        PublishTime: TimeSpan.FromSeconds(publishSeconds),
        Publishers: publishers,
        SpreadWebhooks: Option("--spread-webhooks", 12),
        Runs: runs));
    return;
}

// 0. Payload filters on the publish path (in memory, no receiver or database needed).
if (only == "filter")
{
    var matching = Enumerable.Range(0, runs).Select(_ => FilterMatching.Measure(Option("--filter-webhooks", 16), Option("--filter-events", 200_000))).ToList();
    var baseline = Stats.Median(matching.Select(m => m.Baseline));
    var filtered = Stats.Median(matching.Select(m => m.Filtered));
    Console.WriteLine($"payload filter, 3 conditions, COTTask example, {Option("--filter-webhooks", 16)} webhooks: median of {runs}");
    Console.WriteLine($"  matching without filters (trigger and workflow): {baseline:N0} ns per event × webhook");
    Console.WriteLine($"  with the filter on every webhook:                {filtered:N0} ns per event × webhook ({filtered / baseline:N2}x; the filter adds {filtered - baseline:N0} ns)");
    Console.WriteLine($"  allocated per event: {Stats.Median(matching.Select(m => m.BaselineBytes)):N0} B without filters, {Stats.Median(matching.Select(m => m.FilteredBytes)):N0} B with them");
    Console.WriteLine($"  target: ≤ 2,000 ns per event × webhook: {(filtered <= 2_000 ? "met" : "NOT met")}");
    return;
}

await using var receiver = await BenchReceiver.StartAsync();
await using var memory = new MemorySampler();
Console.WriteLine($"WebhookAdmin delivery benchmark: {Environment.ProcessorCount} cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, " +
    $"receiver {receiver.BaseUrl}, at most {concurrency} deliveries in flight, median of {runs} runs, {storage}");
Console.WriteLine();

var results = new List<Result>();

// 1. Bursts.
var burst100 = !Runs("burst100") ? [] : await RepeatAsync(async () =>
{
    var allocated = GC.GetTotalAllocatedBytes();
    var ceiling = await WithCeilingAsync(fanout, target => BurstAsync(target, fanout, fanoutEvents));
    var ceilingAllocations = (GC.GetTotalAllocatedBytes() - allocated) / 2.0 / ceiling.Delivered; // the warm-up run and the measured one
    memory.Reset();
    await using var dispatcher = await DispatcherTarget.StartAsync(receiver.BaseUrl, fanout, concurrency, storage);
    await BurstAsync(dispatcher, fanout, 3);
    allocated = GC.GetTotalAllocatedBytes();
    var figures = await BurstAsync(dispatcher, fanout, fanoutEvents);
    var allocations = (GC.GetTotalAllocatedBytes() - allocated) / (double)figures.Delivered;
    var peak = memory.PeakMiB;
    var bytes = storage.IsSqlite ? await SizeAsync(dispatcher) : null;
    return (Ceiling: ceiling.DeliveriesPerSecond, Value: figures.DeliveriesPerSecond, Peak: peak, Bytes: bytes,
        Notes: figures.Notes + $"allocated per delivery {allocations:N0} B (ceiling {ceilingAllocations:N0} B), receiver included");
});
if (burst100.Count > 0)
results.Add(new Result($"burst, {fanout} webhooks × {fanoutEvents:N0} events ({fanout * fanoutEvents:N0} deliveries)", "deliveries/s",
    burst100.Median(r => r.Ceiling), burst100.Median(r => r.Value), "≥ 10,000/s and ≥ 0.25x",
    burst100.Median(r => r.Value) >= 10_000 && burst100.Median(r => r.Value) >= 0.25 * burst100.Median(r => r.Ceiling), burst100.Last().Notes));

var burst1 = !Runs("burst1") ? [] : await RepeatAsync(async () =>
{
    var ceiling = await WithCeilingAsync(1, target => BurstAsync(target, 1, events));
    await using var dispatcher = await DispatcherTarget.StartAsync(receiver.BaseUrl, 1, concurrency, storage);
    await BurstAsync(dispatcher, 1, 50);
    var figures = await BurstAsync(dispatcher, 1, events);
    return (Ceiling: ceiling.DeliveriesPerSecond, Value: figures.DeliveriesPerSecond, figures.Notes);
});
if (burst1.Count > 0)
results.Add(new Result($"burst, 1 webhook, strict order, {events:N0} events", "deliveries/s",
    burst1.Median(r => r.Ceiling), burst1.Median(r => r.Value), "≥ 2,000/s and ≥ 0.25x",
    burst1.Median(r => r.Value) >= 2_000 && burst1.Median(r => r.Value) >= 0.25 * burst1.Median(r => r.Ceiling), burst1.Last().Notes));

// 2. Steady load: the pipeline's own delay.
var paced1 = !Runs("paced1") ? [] : await RepeatAsync(async () =>
{
    var ceiling = await WithCeilingAsync(1, target => PacedAsync(target, 1, pacedRate));
    await using var dispatcher = await DispatcherTarget.StartAsync(receiver.BaseUrl, 1, concurrency, storage);
    await BurstAsync(dispatcher, 1, 50);
    var figures = await PacedAsync(dispatcher, 1, pacedRate);
    return (Ceiling: ceiling.P95, Value: figures.P95, figures.Notes);
});
if (paced1.Count > 0)
results.Add(new Result($"paced {pacedRate:N0} events/s to 1 webhook, p95 latency", "ms",
    paced1.Median(r => r.Ceiling), paced1.Median(r => r.Value), "p95 ≤ 10 ms", paced1.Median(r => r.Value) <= 10, paced1.Last().Notes));

var paced100 = !Runs("paced100") ? [] : await RepeatAsync(async () =>
{
    var ceiling = await WithCeilingAsync(fanout, target => PacedAsync(target, fanout, fanoutPacedRate));
    await using var dispatcher = await DispatcherTarget.StartAsync(receiver.BaseUrl, fanout, concurrency, storage);
    await BurstAsync(dispatcher, fanout, 3);
    var figures = await PacedAsync(dispatcher, fanout, fanoutPacedRate);
    return (Ceiling: ceiling.P95, Value: figures.P95, figures.Notes);
});
if (paced100.Count > 0)
results.Add(new Result($"paced {fanoutPacedRate:N0} events/s to {fanout} webhooks ({fanoutPacedRate * fanout:N0} deliveries/s), p95", "ms",
    paced100.Median(r => r.Ceiling), paced100.Median(r => r.Value), "p95 ≤ 25 ms", paced100.Median(r => r.Value) <= 25, paced100.Last().Notes));

// 3. Publishing.
var publishing = !Runs("publish") ? [] : await RepeatAsync(async () =>
{
    await using var dispatcher = await DispatcherTarget.StartAsync(receiver.BaseUrl, 1, concurrency, storage);
    await BurstAsync(dispatcher, 1, 50);
    var publisher = dispatcher.Services.GetRequiredService<IEventPublisher>();
    // The lone caller first: after the 16 publishers, their backlog would still be delivering beside it.
    var alone = await PublishOneAtATimeAsync(publisher, TimeSpan.FromSeconds(publishSeconds));
    var rate = await PublishForAsync(publisher, publishers, TimeSpan.FromSeconds(publishSeconds));
    return (Rate: rate, AloneP50: alone.P50Ms, AloneRate: alone.PerSecond);
});
if (publishing.Count > 0)
{
    results.Add(new Result($"in-process IEventPublisher, {publishers} concurrent publishers, 1 webhook", "events/s",
        null, publishing.Median(r => r.Rate), "≥ 10,000/s", publishing.Median(r => r.Rate) >= 10_000, "each durable before its call returns; the dispatcher delivers meanwhile"));
    results.Add(new Result("in-process IEventPublisher, one caller in a loop: p50 of a call", "ms",
        null, publishing.Median(r => r.AloneP50), "p50 ≤ 1.5 ms", publishing.Median(r => r.AloneP50) <= 1.5,
        $"each durable before it returns; {publishing.Median(r => r.AloneRate):N0} events/s"));
}

if (!Runs("http"))
{
}
else if (Wrk.Available)
{
    var single = BenchEvents.Json(0);
    var many = "[" + string.Join(",", Enumerable.Range(0, batch).Select(BenchEvents.Json)) + "]";
    var http = await RepeatAsync(async () =>
    {
        var ceiling = await Wrk.PostAsync($"{receiver.BaseUrl}/accept", single, token: null, 16, TimeSpan.FromSeconds(httpSeconds));
        var batchCeiling = await Wrk.PostAsync($"{receiver.BaseUrl}/accept", many, token: null, 4, TimeSpan.FromSeconds(httpSeconds)) * batch;
        await using var app = await AppTarget.StartAsync(receiver.BaseUrl, storage);
        await app.EnsureAcceptedAsync("/api/v3/webhook/events", single);
        await app.EnsureAcceptedAsync("/api/v3/webhook/events", many);
        var one = await Wrk.PostAsync($"{app.BaseUrl}/api/v3/webhook/events", single, app.Token, 16, TimeSpan.FromSeconds(httpSeconds));
        var batched = await Wrk.PostAsync($"{app.BaseUrl}/api/v3/webhook/events", many, app.Token, 4, TimeSpan.FromSeconds(httpSeconds)) * batch;
        return (Ceiling: ceiling, BatchCeiling: batchCeiling, One: one, Batched: batched);
    });
    results.Add(new Result("POST events over HTTP, 16 clients (wrk), 1 event per request", "events/s",
        http.Median(r => r.Ceiling), http.Median(r => r.One), "≥ 3,000/s", http.Median(r => r.One) >= 3_000,
        "ceiling: the same wrk load on a bare endpoint that reads the body and answers 202; wrk takes one of the cores"));
    results.Add(new Result($"POST events over HTTP, JSON arrays of {batch:N0}, 4 clients (wrk)", "events/s",
        http.Median(r => r.BatchCeiling), http.Median(r => r.Batched), "≥ 20,000/s", http.Median(r => r.Batched) >= 20_000,
        "ceiling: the bare endpoint taking the same arrays"));
}
else
{
    Console.WriteLine("wrk is not installed (apt-get install -y wrk): the two HTTP rows are left out.");
}

// 4. Memory.
if (burst100.Count > 0)
results.Add(new Result($"resident memory during the {fanout * fanoutEvents:N0}-delivery burst", "MiB", null, burst100.Median(r => r.Peak),
    "≤ 300 MiB", burst100.Median(r => r.Peak) <= 300, "the whole benchmark process: receiver and harness included"));

var drained = !Runs("backlog") ? [] : await RepeatAsync(() => BacklogAsync(backlog), times: 1);
if (drained.Count > 0)
results.Add(new Result($"backlog of {backlog:N0} pending deliveries: most held in memory", "deliveries", backlog, drained[0].PeakHeld,
    "never loaded whole", drained[0].PeakHeld < backlog / 10.0,
    $"{drained[0].Delivered:N0} delivered in {drainSeconds:N0} s while measured; resident memory peak {drained[0].PeakMiB:N0} MiB"));

var purging = !Runs("purge") ? [] : await RepeatAsync(() => PurgeWhileDeliveringAsync(purgeLogs));
if (purging.Count > 0)
results.Add(new Result($"paced {pacedRate:N0} events/s to 1 webhook while {purgeLogs:N0} old logs are purged, p95", "ms",
    purging.Median(r => r.Quiet), purging.Median(r => r.Purging), "≤ 2x quiet", purging.Median(r => r.Purging) <= 2 * purging.Median(r => r.Quiet),
    $"ceiling column: the same paced run just before the purge, same database; purge ran {purging.Median(r => r.PurgeSeconds):N0} s " +
    $"({purging.Median(r => r.PurgedPerSecond):N0} logs/s), all {purgeLogs:N0} gone: {purging.All(r => r.AllGone)}"));

if (burst100.Count > 0 && storage.IsSqlite)
results.Add(new Result("bytes on disk per delivery log (the burst's database)", "bytes", null, burst100.Median(r => r.Bytes!.PerLogBesideBodies), "≤ 300 B",
    burst100.Median(r => r.Bytes!.PerLogBesideBodies) <= 300,
    $"event bodies ({burst100.Last().Bytes!.BodyBytes / burst100.Last().Bytes!.Events:N0} B per event) stored once per event, not per log; QueryBench gives the 1,000,000-log figure"));

Print(results);

// ---------------------------------------------------------------------------------------------------------------------

async Task<Figures> WithCeilingAsync(int webhooks, Func<IDeliveryTarget, Task<Figures>> measure)
{
    await using var ceiling = new CeilingTarget(receiver.BaseUrl, webhooks, concurrency);
    await measure(ceiling); // warm-up: JIT, connection pools
    return await measure(ceiling);
}

// All events as fast as publishers are answered; the order is checked per publisher (its events follow one another).
async Task<Figures> BurstAsync(IDeliveryTarget target, int webhooks, int count)
{
    var run = receiver.Begin(webhooks, count);
    var published = new long[count];
    var streams = new int[count];
    var next = -1;
    var start = Stopwatch.GetTimestamp();
    await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
    {
        for (var n = Interlocked.Increment(ref next); n < count && Stopwatch.GetElapsedTime(start) < budget; n = Interlocked.Increment(ref next))
        {
            streams[n] = p;
            published[n] = Stopwatch.GetTimestamp();
            await target.PublishAsync(run, n);
        }
    })));
    var sent = Math.Min(count, next);
    await WaitForArrivalsAsync(webhooks * sent, start);
    return Figures.From(receiver, webhooks, count, sent, published, start, streams);
}

// A steady rate: each publish starts on schedule whoever else is still waiting, as requests from many clients do.
async Task<Figures> PacedAsync(IDeliveryTarget target, int webhooks, double rate)
{
    var count = Math.Max(2, (int)Math.Round(rate * pacedSeconds));
    var run = receiver.Begin(webhooks, count);
    var published = new long[count];
    var calls = new List<Task>(count);
    var start = Stopwatch.GetTimestamp();
    for (var n = 0; n < count; n++)
    {
        var due = TimeSpan.FromSeconds(n / rate) - Stopwatch.GetElapsedTime(start);
        if (due > TimeSpan.FromMilliseconds(1))
            await Task.Delay(due);
        published[n] = Stopwatch.GetTimestamp();
        calls.Add(target.PublishAsync(run, n).AsTask());
    }
    await Task.WhenAll(calls);
    await WaitForArrivalsAsync(webhooks * count, start);
    return Figures.From(receiver, webhooks, count, count, published, start, streams: null);
}

async Task WaitForArrivalsAsync(int expected, long start)
{
    while (receiver.Received < expected && Stopwatch.GetElapsedTime(start) < budget)
        await Task.Delay(2);
}

/// <summary>One caller publishing in a loop for <paramref name="duration"/>: the median time a call takes, and the rate.</summary>
async Task<(double P50Ms, double PerSecond)> PublishOneAtATimeAsync(IEventPublisher publisher, TimeSpan duration)
{
    var calls = new List<double>();
    var start = Stopwatch.GetTimestamp();
    for (var n = 0; Stopwatch.GetElapsedTime(start) < duration; n++)
    {
        var called = Stopwatch.GetTimestamp();
        if (await publisher.PublishAsync(BenchEvents.Company, BenchEvents.UserEdit(0, n)) is not PublishOutcome.Accepted)
            throw new InvalidOperationException("A publish was not accepted.");
        calls.Add(Stopwatch.GetElapsedTime(called).TotalMilliseconds);
    }
    return (Stats.Median(calls), calls.Count / Stats.Seconds(start));
}

async Task<double> PublishForAsync(IEventPublisher publisher, int callers, TimeSpan duration)
{
    long accepted = 0;
    var start = Stopwatch.GetTimestamp();
    await Task.WhenAll(Enumerable.Range(0, callers).Select(p => Task.Run(async () =>
    {
        for (var n = p; Stopwatch.GetElapsedTime(start) < duration; n += callers)
        {
            // run 0: the receiver answers but counts nothing, so these never mix with a measured run.
            if (await publisher.PublishAsync(BenchEvents.Company, BenchEvents.UserEdit(0, n)) is PublishOutcome.Accepted)
                Interlocked.Increment(ref accepted);
        }
    })));
    return accepted / Stats.Seconds(start);
}

async Task<DatabaseSize> SizeAsync(DispatcherTarget target)
{
    await target.Services.GetRequiredService<DeliveryWriter>().FlushAsync();
    return await DatabaseSize.ReadAsync(target.DatabasePath);
}

async Task<(double PeakHeld, double PeakMiB, long Delivered)> BacklogAsync(int count)
{
    await using var dispatcher = await DispatcherTarget.StartAsync(receiver.BaseUrl, 1, concurrency, storage, active: false);
    var run = receiver.Begin(1, count);
    await BenchEvents.SeedPendingAsync(dispatcher, dispatcher.WebhookIds[0], run, count);
    var deliveries = dispatcher.AllServices.Select(s => s.GetRequiredService<DeliveryDispatcher>()).ToArray();
    memory.Reset();
    var before = receiver.Received;
    await dispatcher.Services.GetRequiredService<WebhookService>().SetActiveAsync(BenchEvents.Company, dispatcher.WebhookIds[0], isActive: true);
    var peakHeld = 0;
    var start = Stopwatch.GetTimestamp();
    while (Stats.Seconds(start) < drainSeconds)
    {
        peakHeld = Math.Max(peakHeld, deliveries.Sum(d => d.BufferedDeliveries));
        await Task.Delay(5);
    }
    return (peakHeld, memory.PeakMiB, receiver.Received - before);
}

// Delivery's p95 at a steady 1,000 events/s, quiet and then while the retention purges a month of old logs.
async Task<(double Quiet, double Purging, double PurgeSeconds, double PurgedPerSecond, bool AllGone)> PurgeWhileDeliveringAsync(int count)
{
    await using var dispatcher = await DispatcherTarget.StartAsync(receiver.BaseUrl, 1, concurrency, storage);
    var old = await dispatcher.Services.GetRequiredService<WebhookService>().CreateAsync(BenchEvents.Company,
        new WebhookDraft("Bench history", $"{receiver.BaseUrl}/hook/history", WebhookTrigger.User, IsActive: false));
    await BenchHistory.SeedDeliveredAsync(dispatcher, ((WebhookOutcome.Saved)old).Webhook.Id, count, TimeSpan.FromDays(60));
    await BurstAsync(dispatcher, 1, 50);
    var quiet = await PacedAsync(dispatcher, 1, pacedRate);

    var retention = dispatcher.Services.GetRequiredService<LogRetention>();
    var start = Stopwatch.GetTimestamp();
    var purge = retention.PurgeAsync(CancellationToken.None);
    var during = await PacedAsync(dispatcher, 1, pacedRate);
    if (purge.IsCompleted)
        Console.WriteLine("the purge ended before the paced run did: raise --purge-logs for a fair figure");
    var purged = await purge;
    var seconds = Stats.Seconds(start);
    return (quiet.P95, during.P95, seconds, purged / seconds, purged == count);
}

async Task<List<T>> RepeatAsync<T>(Func<Task<T>> measure, int? times = null)
{
    var all = new List<T>();
    for (var i = 0; i < (times ?? runs); i++)
    {
        all.Add(await measure());
        // Each run on a settled heap, as a separate process would have.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
    return all;
}

static void Print(IReadOnlyList<Result> results)
{
    Console.WriteLine($"{"scenario",-74} {"unit",-12} {"ceiling",11} {"WebhookAdmin",13} {"ratio",7}  {"target",-24} met");
    foreach (var r in results)
    {
        Console.WriteLine($"{r.Scenario,-74} {r.Unit,-12} {(r.Ceiling is { } c ? Stats.Format(c) : "—"),11} {Stats.Format(r.Value),13} {r.Ratio,7}  {r.Target,-24} {(r.Met ? "yes" : "NO")}");
        if (r.Note.Length > 0)
            Console.WriteLine($"{"",-4}{r.Note}");
    }
}

T Option<T>(string name, T fallback) where T : IParsable<T>
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && T.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

internal static class Runs
{
    public static double Median<T>(this IEnumerable<T> runs, Func<T, double> figure) => Stats.Median(runs.Select(figure));
}
