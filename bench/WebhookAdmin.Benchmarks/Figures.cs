using System.Diagnostics;

namespace WebhookAdmin.Benchmarks;

/// <summary>What one measured run gave: counts, rates from the first publish to the last arrival, latency percentiles.</summary>
internal sealed record Figures(
    int Published, int Expected, int Delivered, double DeliveriesPerSecond, double EventsPerSecond,
    double P50, double P95, double P99, int Duplicates, int OutOfOrder)
{
    public string Notes =>
        (Delivered < Expected ? $"{Expected - Delivered} not delivered within the budget. " : "")
        + (Duplicates > 0 ? $"{Duplicates} duplicates. " : "")
        + (OutOfOrder > 0 ? $"{OutOfOrder} OUT OF ORDER. " : "");

    /// <param name="streams">
    /// Which publisher published each event: one publisher's events follow one another, so each webhook must receive
    /// them in that order. Null when publishes overlapped freely (no order to check).
    /// </param>
    public static Figures From(BenchReceiver receiver, int webhooks, int events, int published, long[] publishedAt, long start, int[]? streams)
    {
        var latencies = new List<double>(webhooks * published);
        var last = start;
        var outOfOrder = 0;
        for (var w = 0; w < webhooks; w++)
        {
            var previous = new Dictionary<int, long>();
            for (var n = 0; n < published; n++)
            {
                var arrived = receiver.ArrivalOf(w, n);
                if (arrived == 0)
                    continue;
                if (streams is not null)
                {
                    if (previous.TryGetValue(streams[n], out var before) && arrived < before)
                        outOfOrder++;
                    previous[streams[n]] = arrived;
                }
                latencies.Add(Stopwatch.GetElapsedTime(publishedAt[n], arrived).TotalMilliseconds);
                last = Math.Max(last, arrived);
            }
        }
        latencies.Sort();
        var seconds = Math.Max(Stopwatch.GetElapsedTime(start, last).TotalSeconds, 1e-6);
        return new Figures(published, webhooks * events, latencies.Count, latencies.Count / seconds, latencies.Count / seconds / webhooks,
            Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), receiver.Duplicates, outOfOrder);
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
