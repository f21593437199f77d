// Throughput and publish-to-delivery latency of the dispatcher (EventPublisher → SQLite → DeliveryDispatcher → signed
// POST) to a local Kestrel receiver, for 1 webhook and for many, each beside the same run's ceiling: plain HttpClient
// posts of the same bodies to the same receiver with in-memory queues and no storage. Not a test; run it with
//
//   dotnet run -c Release --project bench/WebhookAdmin.Benchmarks [-- --events 2000 --fanout-events 30 --webhooks 100]
//
// Two measurements per scenario, both for the ceiling and for the dispatcher:
//   burst  all events published as fast as the publisher takes them; deliveries/s from the first publish to the last
//          arrival. Its latencies are mostly the backlog's wait, so they say how long a burst takes to drain.
//   paced  events published at a steady rate, the same for both (by default half the dispatcher's burst rate, --load),
//          so the latencies are the pipeline's own delay rather than queueing behind a backlog.
// Other flags: --paced-seconds 8, --budget 30 (seconds a run may take before it is cut short), --concurrency 32.
// The default run takes about a minute on 2 cores.
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using WebhookAdmin.Benchmarks;

var events = Option("--events", 2000);
var fanoutEvents = Option("--fanout-events", 30);
var fanout = Option("--webhooks", 100);
var load = Option("--load", 0.5);
var pacedSeconds = Option("--paced-seconds", 8.0);
var budget = TimeSpan.FromSeconds(Option("--budget", 30.0));
var concurrency = Option("--concurrency", 32);

await using var receiver = await BenchReceiver.StartAsync();
Console.WriteLine($"WebhookAdmin dispatcher benchmark: {Environment.ProcessorCount} cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, " +
    $"receiver {receiver.BaseUrl}, at most {concurrency} deliveries in flight, production delivery options otherwise");
Console.WriteLine("latency = publish call start → first arrival at the receiver; ratios are dispatcher / ceiling of the same run");
Console.WriteLine();
Console.WriteLine($"{"scenario",-13} {"run",-26} {"events",7} {"deliveries",10} {"deliv/s",9} {"events/s",9} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9}");

foreach (var (webhooks, burstEvents) in new[] { (1, events), (fanout, fanoutEvents) })
{
    var scenario = webhooks == 1 ? "1 webhook" : $"{webhooks} webhooks";

    Figures ceilingBurst, dispatcherBurst, ceilingPaced, dispatcherPaced;
    double rate;
    await using (var ceiling = new CeilingTarget(receiver.BaseUrl, webhooks, concurrency))
    {
        await WarmUpAsync(ceiling, webhooks);
        ceilingBurst = await MeasureAsync(ceiling, webhooks, burstEvents, rate: null);
    }
    await using (var dispatcher = await DispatcherTarget.StartAsync(receiver.BaseUrl, webhooks, concurrency))
    {
        await WarmUpAsync(dispatcher, webhooks);
        dispatcherBurst = await MeasureAsync(dispatcher, webhooks, burstEvents, rate: null);
        rate = Option("--rate", Math.Max(0.5, load * dispatcherBurst.EventsPerSecond));
        dispatcherPaced = await MeasureAsync(dispatcher, webhooks, PacedEvents(rate), rate);
    }
    await using (var ceiling = new CeilingTarget(receiver.BaseUrl, webhooks, concurrency))
    {
        await WarmUpAsync(ceiling, webhooks);
        ceilingPaced = await MeasureAsync(ceiling, webhooks, PacedEvents(rate), rate);
    }

    var paced = $"paced {rate.ToString(rate < 10 ? "0.0" : "0", CultureInfo.InvariantCulture)} ev/s";
    Row(scenario, "burst  ceiling", ceilingBurst);
    Row("", "burst  dispatcher", dispatcherBurst);
    RatioRow("burst  dispatcher/ceiling", dispatcherBurst, ceilingBurst);
    Row("", $"{paced} ceiling", ceilingPaced);
    Row("", $"{paced} dispatcher", dispatcherPaced);
    RatioRow($"{paced} disp./ceil.", dispatcherPaced, ceilingPaced);
    Console.WriteLine();
}

// A few events through the whole path first, so JIT, EF's model and the connection pools are not in the figures.
async Task WarmUpAsync(IDeliveryTarget target, int webhooks) =>
    await MeasureAsync(target, webhooks, webhooks == 1 ? 50 : 3, rate: null);

int PacedEvents(double rate) => Math.Max(2, (int)Math.Round(rate * pacedSeconds));

async Task<Figures> MeasureAsync(IDeliveryTarget target, int webhooks, int count, double? rate)
{
    var run = receiver.Begin(webhooks, count);
    var published = new long[count];
    var start = Stopwatch.GetTimestamp();
    var sent = 0;
    for (; sent < count && Stopwatch.GetElapsedTime(start) < budget; sent++)
    {
        if (rate is { } perSecond && TimeSpan.FromSeconds(sent / perSecond) - Stopwatch.GetElapsedTime(start) is { Ticks: > 0 } early)
            await Task.Delay(early);
        published[sent] = Stopwatch.GetTimestamp();
        await target.PublishAsync(run, sent);
    }
    var expected = webhooks * count;
    while (receiver.Received < expected && Stopwatch.GetElapsedTime(start) < budget)
        await Task.Delay(2);
    return Figures.From(receiver, webhooks, count, sent, published, start);
}

static void Row(string scenario, string run, Figures f) =>
    Console.WriteLine($"{scenario,-13} {run,-26} {f.Published,7} {f.Delivered,10} {f.DeliveriesPerSecond,9:0} {f.EventsPerSecond,9:0.0} " +
        $"{f.P50,9:0.0} {f.P95,9:0.0} {f.P99,9:0.0}{f.Notes}");

static void RatioRow(string run, Figures dispatcher, Figures ceiling) =>
    Console.WriteLine($"{"",-13} {run,-26} {"",7} {"",10} {Ratio(dispatcher.DeliveriesPerSecond, ceiling.DeliveriesPerSecond),9} {"",9} " +
        $"{Ratio(dispatcher.P50, ceiling.P50),9} {Ratio(dispatcher.P95, ceiling.P95),9} {Ratio(dispatcher.P99, ceiling.P99),9}");

static string Ratio(double a, double b) => b == 0 ? "-" : (a / b).ToString(a / b < 10 ? "0.00x" : "0x", CultureInfo.InvariantCulture);

T Option<T>(string name, T fallback) where T : IParsable<T>
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && T.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
