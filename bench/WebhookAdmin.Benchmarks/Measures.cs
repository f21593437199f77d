using System.Diagnostics;
using System.Globalization;

namespace WebhookAdmin.Benchmarks;

/// <summary>This process's resident memory, sampled in the background; <see cref="PeakMiB"/> is the most seen since the last reset.</summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public MemorySampler() => _loop = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            var rss = ResidentBytes();
            if (rss > Interlocked.Read(ref _peak))
                Interlocked.Exchange(ref _peak, rss);
            try
            {
                await Task.Delay(10, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    });

    public double PeakMiB => Interlocked.Read(ref _peak) / 1_048_576.0;

    public void Reset() => Interlocked.Exchange(ref _peak, ResidentBytes());

    /// <summary>VmRSS from /proc (what the kernel counts as resident), or the working set elsewhere.</summary>
    public static long ResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return Environment.WorkingSet;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>One line of the result table: the product's figure beside the same run's ceiling and the issue's target.</summary>
internal sealed record Result(string Scenario, string Unit, double? Ceiling, double Value, string Target, bool Met, string Note = "")
{
    public string Ratio => Ceiling is { } ceiling && ceiling > 0 ? (Value / ceiling).ToString(Value / ceiling < 10 ? "0.00x" : "0x", CultureInfo.InvariantCulture) : "—";
}

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }

    public static string Format(double value) =>
        value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.0#", CultureInfo.InvariantCulture);

    public static double Seconds(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
}
