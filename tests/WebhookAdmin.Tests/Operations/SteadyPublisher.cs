using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace WebhookAdmin.Tests.Operations;

/// <summary>
/// A platform publishing through the real API one event after another, each numbered (<c>data.n</c>, caller id
/// <c>{prefix}-{n}</c>), until told to stop, noting every answer and how long it took.
/// </summary>
internal sealed class SteadyPublisher
{
    private readonly ConcurrentQueue<PublishAnswer> _answers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public SteadyPublisher(HttpClient api, string prefix)
    {
        _running = Task.Run(() => RunAsync(api, prefix));
    }

    public IReadOnlyList<PublishAnswer> Answers => _answers.ToArray();

    public int[] Accepted => Answers.Where(a => a.Status == HttpStatusCode.Accepted).Select(a => a.N).ToArray();

    public PublishAnswer[] Refused => Answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToArray();

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }

    /// <summary>Every answer a 202 or a 503 with Retry-After, none slower than <paramref name="limit"/>.</summary>
    public void AssertOnly202Or503Within(TimeSpan limit)
    {
        Assert.All(Answers, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"event {a.N} answered {a.Status}"));
        Assert.All(Answers, a => Assert.True(a.Took < limit, $"event {a.N} took {a.Took}"));
        Assert.All(Refused, a => Assert.True(a.RetryAfter, $"event {a.N}: 503 without Retry-After"));
    }

    /// <summary>Waits until every accepted event has arrived; first arrivals must be in publish order (0 lost, 0 inversions).</summary>
    public static async Task AssertDeliveredInOrderAsync(Delivery.Support.Receiver receiver, IReadOnlyCollection<int> accepted)
    {
        var arrivals = await Delivery.Support.Eventually.WaitAsync(() => receiver.Arrivals.Distinct().ToArray(), seen => accepted.All(seen.Contains),
            TimeSpan.FromSeconds(60), "every accepted event delivered");
        // A 503'd event whose commit was under way may arrive too, in its place.
        Assert.Equal(arrivals.Order(), arrivals);
    }

    public string Summary() =>
        $"{Accepted.Length} x 202, {Refused.Length} x 503, {Answers.Count - Accepted.Length - Refused.Length} others; " +
        $"slowest {Answers.Max(a => a.Took).TotalSeconds:0.00} s; 503 after {(Refused.Length > 0 ? Refused.Min(a => a.Took).TotalSeconds : 0):0.00}–{(Refused.Length > 0 ? Refused.Max(a => a.Took).TotalSeconds : 0):0.00} s";

    private async Task RunAsync(HttpClient api, string prefix)
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await api.PostAsJsonAsync("/api/v3/webhook/events",
                new { id = $"{prefix}-{n}", type = "COTUser", @event = "edit", data = new { n } }, CancellationToken.None);
            _answers.Enqueue(new PublishAnswer(n, response.StatusCode, Stopwatch.GetElapsedTime(started), response.Headers.RetryAfter is not null));
            await Task.Delay(20, CancellationToken.None);
        }
    }
}

internal sealed record PublishAnswer(int N, HttpStatusCode Status, TimeSpan Took, bool RetryAfter);
