using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Hosting;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Operations;

/// <summary>
/// Meters and activity sources are process-wide: a listener hears every app running in the test process. These tests
/// run alone (after the others), so what they count is what their own app did.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideTelemetry
{
    public const string Name = "Process-wide telemetry";
}

/// <summary>The metrics and traces an operator gets, read through OpenTelemetry's in-memory exporter as a collector would.</summary>
[Collection(ProcessWideTelemetry.Name)]
public sealed class TelemetryTests(TelemetryTests.App app) : IClassFixture<TelemetryTests.App>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    /// <summary>The app with the same instrumentation the OTLP exporter gets, exporting to lists; fast retries.</summary>
    public sealed class App : TestApp
    {
        public List<Metric> Metrics { get; } = [];
        public List<Activity> Spans { get; } = [];
        public CapturedLogs Logs { get; } = new();

        // Everything the delivery engine and HttpClient would log, however verbose an operator makes it.
        protected override IEnumerable<string> ExtraArguments =>
            ["--Webhooks:Delivery:RetryDelay=00:00:00.050", "--Logging:LogLevel:WebhookAdmin=Trace", "--Logging:LogLevel:System.Net.Http=Trace"];

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<ILoggerProvider>(Logs).AddOpenTelemetry()
                .WithWebhookAdminMetrics()
                .WithWebhookAdminTracing()
                .WithMetrics(metrics => metrics.AddInMemoryExporter(Metrics))
                .WithTracing(tracing => tracing.AddInMemoryExporter(Spans));

        /// <summary>The metric points exported now, summed over every point whose tags include <paramref name="tags"/>.</summary>
        public double Read(string name, params (string Key, string Value)[] tags)
        {
            lock (Metrics)
                Metrics.Clear();
            Get<MeterProvider>().ForceFlush();
            lock (Metrics)
            {
                double total = 0;
                foreach (var metric in Metrics.Where(m => m.Name == name))
                {
                    foreach (ref readonly var point in metric.GetMetricPoints())
                    {
                        var pointTags = new Dictionary<string, string?>();
                        foreach (var tag in point.Tags)
                            pointTags[tag.Key] = tag.Value?.ToString();
                        if (!tags.All(t => pointTags.TryGetValue(t.Key, out var value) && value == t.Value))
                            continue;
                        total += metric.MetricType switch
                        {
                            MetricType.LongSum => point.GetSumLong(),
                            MetricType.LongGauge => point.GetGaugeLastValueLong(),
                            MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                            MetricType.Histogram => point.GetHistogramCount(),
                            _ => throw new NotSupportedException(metric.MetricType.ToString()),
                        };
                    }
                }
                return total;
            }
        }

        public Activity[] SpansNamed(string name) => [.. AllSpans().Where(s => s.DisplayName == name)];

        public Activity[] AllSpans()
        {
            Get<TracerProvider>().ForceFlush();
            lock (Spans)
                return [.. Spans];
        }
    }

    [Fact]
    public async Task A_publish_over_the_api_and_each_attempt_of_its_delivery_are_one_trace()
    {
        await DeactivateEarlierWebhooksAsync(app);
        await using var receiver = await Receiver.StartAsync(Answers.FailEvent(n: 7, failures: 1));
        using var api = await app.ApiClientAsync();
        var webhookId = await CreateAsync(api, receiver.Url);

        await PublishAsync(api, n: 7);
        await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 2, what: "a failed attempt and its retry");

        var attempts = await Eventually.WaitAsync(() => app.SpansNamed("webhook deliver").Where(s => Tag(s, "webhook.id") == webhookId).ToArray(),
            s => s.Length == 2, what: "both attempts' spans");
        var publish = Assert.Single(app.SpansNamed("webhook publish"), s => s.TraceId == attempts[0].TraceId);
        var request = Assert.Single(app.AllSpans(), s => s.SpanId == publish.ParentSpanId);
        Assert.Equal((ActivityKind.Server, "/api/v3/webhook/events"), (request.Kind, Tag(request, "url.path")));
        Assert.All(attempts, attempt => Assert.Equal((publish.TraceId, publish.SpanId), (attempt.TraceId, attempt.ParentSpanId)));
        Assert.Equal([(1, ActivityStatusCode.Error, "500"), (2, ActivityStatusCode.Ok, "200")],
            attempts.OrderBy(a => a.StartTimeUtc).Select(a => ((int)a.GetTagItem("webhook.attempt")!, a.Status, Tag(a, "http.response.status_code"))));
        // HttpClient's own span sits under each attempt, and the receiver was told the trace (W3C traceparent).
        var httpSpans = app.AllSpans().Where(s => s.Kind == ActivityKind.Client && attempts.Any(a => a.SpanId == s.ParentSpanId)).ToArray();
        Assert.Equal(2, httpSpans.Length);
        Assert.All(receiver.Requests, r => Assert.Contains(publish.TraceId.ToHexString(), r.Header("traceparent")));
    }

    [Fact]
    public async Task Deliveries_attempts_latency_and_each_webhooks_failures_are_counted()
    {
        await DeactivateEarlierWebhooksAsync(app);
        await using var good = await Receiver.StartAsync();
        await using var bad = await Receiver.StartAsync(Answers.Status(503, "down"));
        using var api = await app.ApiClientAsync();
        var goodId = await CreateAsync(api, good.Url);
        var badId = await CreateAsync(api, bad.Url);
        var before = Counts(goodId, badId);

        for (var n = 1; n <= 3; n++)
            await PublishAsync(api, n);
        await Eventually.WaitAsync(() => bad.Requests, r => r.Count == 9, what: "three attempts for each of three events");
        await Eventually.WaitAsync(() => good.Requests, r => r.Count == 3, what: "three deliveries");

        var after = await Eventually.WaitAsync(() => Counts(goodId, badId), c => c.Failed - before.Failed == 3, what: "the failures counted");
        Assert.Equal(3, after.Succeeded - before.Succeeded);
        Assert.Equal(3 + 9, after.Attempts - before.Attempts);
        Assert.Equal(9, after.FailedAttempts - before.FailedAttempts);
        Assert.Equal(3, after.LatencyCount - before.LatencyCount);
        Assert.Equal((3, 0), (after.BadWebhookFailures - before.BadWebhookFailures, after.GoodWebhookFailures - before.GoodWebhookFailures));
    }

    [Fact]
    public async Task The_backlog_gauges_say_how_many_wait_how_many_retry_and_how_old_the_oldest_is()
    {
        await DeactivateEarlierWebhooksAsync(app);
        var release = new TaskCompletionSource();
        // The first attempt fails; the retry is held, so event 1 waits as a retry and events 2 to 4 behind it.
        await using var receiver = await Receiver.StartAsync(async (_, index, _) =>
        {
            if (index == 0)
                return Microsoft.AspNetCore.Http.Results.Text("down", statusCode: 500);
            await release.Task;
            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        using var api = await app.ApiClientAsync();
        await CreateAsync(api, receiver.Url);
        var sampler = app.Get<BacklogSampler>();
        try
        {
            for (var n = 1; n <= 4; n++)
                await PublishAsync(api, n);
            await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 2, what: "the retry held by the receiver");
            await Task.Delay(1100);

            await sampler.SampleAsync(CancellationToken.None);

            Assert.Equal((3, 1), (app.Read("webhookadmin.deliveries.pending"), app.Read("webhookadmin.deliveries.retrying")));
            Assert.InRange(app.Read("webhookadmin.deliveries.oldest_pending_age"), 1.0, 60.0);
        }
        finally
        {
            release.SetResult();
        }
        await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 5, what: "the backlog delivered");
        await Eventually.WaitAsync(async () =>
        {
            await sampler.SampleAsync(CancellationToken.None);
            return app.Read("webhookadmin.deliveries.pending") + app.Read("webhookadmin.deliveries.retrying");
        }, total => total == 0, what: "an empty backlog");
        Assert.Equal(0, app.Read("webhookadmin.deliveries.oldest_pending_age"));
    }

    [Fact]
    public async Task A_deliverys_spans_metrics_and_logs_name_the_receivers_origin_never_its_path_or_query()
    {
        await DeactivateEarlierWebhooksAsync(app);
        await using var receiver = await Receiver.StartAsync();
        var origin = new Uri(receiver.Url).GetLeftPart(UriPartial.Authority);
        using var api = await app.ApiClientAsync();
        var webhookId = await CreateAsync(api, origin + "/secret-path?token=abc");

        await PublishAsync(api, n: 1);
        await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 1, what: "the delivery");
        var attempt = (await Eventually.WaitAsync(() => app.SpansNamed("webhook deliver").Where(s => Tag(s, "webhook.id") == webhookId).ToArray(),
            s => s.Length == 1, what: "the attempt's span"))[0];
        var http = Assert.Single(app.AllSpans(), s => s.ParentSpanId == attempt.SpanId);

        Assert.Equal(("http", "127.0.0.1", new Uri(origin).Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (Tag(attempt, "url.scheme"), Tag(attempt, "server.address"), Tag(attempt, "server.port")));
        Assert.Equal(origin + "/", Tag(http, "url.full"));
        var said = new List<string>();
        foreach (var span in app.AllSpans())
        {
            said.Add(span.DisplayName);
            said.Add(span.StatusDescription ?? "");
            // Ids are random hex and letters: "abc" may be in one by chance; they never hold the url.
            said.AddRange(span.TagObjects.Where(t => t.Key is not ("webhook.id" or "webhook.message_id")).Select(t => $"{t.Key}={t.Value}"));
            said.AddRange(span.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}")));
        }
        said.AddRange(AllMetricTags().Where(t => t.Key != "webhook.id").Select(t => $"{t.Key}={t.Value}"));
        Assert.Contains(AllMetricTags(), t => t is { Key: "server.address", Value: "127.0.0.1" });
        // "token=", not "token": the app's own /connect/token span is in the list when this test is the first to sign in.
        Assert.All(said, text => Assert.False(text.Contains("secret-path") || text.Contains("token=") || text.Contains("abc"), text));
        Assert.NotEmpty(app.Logs.Messages);
        Assert.All(app.Logs.Messages, text => Assert.False(text.Contains("secret-path") || text.Contains("token=abc"), text));
    }

    private IEnumerable<KeyValuePair<string, string?>> AllMetricTags()
    {
        lock (app.Metrics)
            app.Metrics.Clear();
        app.Get<MeterProvider>().ForceFlush();
        var tags = new List<KeyValuePair<string, string?>>();
        lock (app.Metrics)
        {
            foreach (var metric in app.Metrics)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    foreach (var tag in point.Tags)
                        tags.Add(new(tag.Key, tag.Value?.ToString()));
                }
            }
        }
        return tags;
    }

    private (double Succeeded, double Failed, double Attempts, double FailedAttempts, double LatencyCount, double GoodWebhookFailures, double BadWebhookFailures) Counts(string goodId, string badId) => (
        app.Read("webhookadmin.deliveries", ("result", "succeeded")),
        app.Read("webhookadmin.deliveries", ("result", "failed")),
        app.Read("webhookadmin.attempts"),
        app.Read("webhookadmin.attempts", ("result", "failure")),
        app.Read("webhookadmin.delivery.latency"),
        app.Read("webhookadmin.webhook.failures", ("webhook.id", goodId)),
        app.Read("webhookadmin.webhook.failures", ("webhook.id", badId)));

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name)?.ToString();

    /// <summary>
    /// The tests of a class share one app and company, and every webhook they make listens to the same events: the
    /// earlier tests' webhooks (their receivers gone) are deactivated so they neither receive nor count.
    /// </summary>
    internal static async Task DeactivateEarlierWebhooksAsync(TestApp app)
    {
        await using var db = await app.Get<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        var ids = await db.Webhooks.Where(w => w.CompanyId == Ids.Acme && w.IsActive).Select(w => w.Id).ToListAsync();
        await app.Get<WebhookService>().DeactivateManyAsync(Ids.Acme, ids);
    }

    internal static async Task<string> CreateAsync(HttpClient api, string url)
    {
        using var response = await api.PostAsJsonAsync(Subscriptions, new { name = $"Telemetry {Guid.NewGuid():N}", url, trigger = "create-edit-delete-user" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;
    }

    internal static async Task PublishAsync(HttpClient api, int n)
    {
        using var response = await api.PostAsJsonAsync("/api/v3/webhook/events", new { type = "COTUser", @event = "edit", data = new { n } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}

/// <summary>Every log line the app writes, formatted as a log sink would store it.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

    public IReadOnlyCollection<string> Messages => _messages;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _messages);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            messages.Enqueue($"{category}: {formatter(state, exception)} {fields} {exception}");
        }
    }
}

/// <summary>The Prometheus scrape endpoint, when <c>Telemetry:Prometheus</c> is on: on the management address only.</summary>
public sealed class PrometheusTests(PrometheusTests.App app) : IClassFixture<PrometheusTests.App>
{
    public sealed class App : TestApp
    {
        public Uri Management { get; } = new($"http://127.0.0.1:{FreeTcpPort()}");

        protected override IEnumerable<string> ExtraArguments => ["--Telemetry:Prometheus=true", $"--Telemetry:MetricsUrls={Management}"];
    }

    [Fact]
    public async Task The_management_address_shows_deliveries_in_prometheus_text_anonymously()
    {
        await using var receiver = await Receiver.StartAsync();
        using var api = await app.ApiClientAsync();
        await TelemetryTests.CreateAsync(api, receiver.Url);
        await TelemetryTests.PublishAsync(api, n: 1);
        await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 1, what: "the delivery");

        using var scraper = new HttpClient { BaseAddress = app.Management };
        // The receiver counts the request before the dispatcher has read the answer and counted the delivery: wait for
        // the succeeded series itself (a run on a loaded machine scraped a deliveries series without it).
        var succeeded = new System.Text.RegularExpressions.Regex("""webhookadmin_deliveries_total\{[^}]*result="succeeded"[^}]*\} [1-9]""");
        var text = await Eventually.WaitAsync(() => scraper.GetStringAsync(Telemetry.PrometheusPath),
            succeeded.IsMatch, what: "the succeeded deliveries counter");

        Assert.Contains("# TYPE webhookadmin_delivery_latency_milliseconds histogram", text);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/METRICS")]
    [InlineData("/Metrics/")]
    [InlineData("/metrics?format=prometheus")]
    public async Task The_public_address_never_serves_metrics_in_any_letter_case(string path)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        using var scraper = new HttpClient { BaseAddress = app.Management };
        Assert.Equal(HttpStatusCode.OK, (await scraper.GetAsync(Telemetry.PrometheusPath)).StatusCode);

        using var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("# TYPE", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_host_header_naming_the_management_address_does_not_reach_it_through_the_public_port()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, Telemetry.PrometheusPath);
        request.Headers.Host = app.Management.Authority;

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/admin/webhooks")]
    [InlineData("/api/v3/webhook/subscription")]
    [InlineData("/connect/login")]
    [InlineData("/health/ready")]
    public async Task The_management_address_serves_nothing_but_the_metrics(string path)
    {
        using var scraper = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Management };

        using var response = await scraper.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("--Telemetry:MetricsUrls=")]
    [InlineData("--Telemetry:MetricsUrls=http://127.0.0.1:0")]
    [InlineData("--Telemetry:MetricsUrls=http://127.0.0.1:5080")]
    public void Prometheus_without_a_management_address_of_its_own_is_refused_at_start(string metricsUrls)
    {
        var refused = Assert.Throws<InvalidOperationException>(() =>
            WebhookAdminHost.CreateBuilder(["--environment=Development", "--urls=http://127.0.0.1:5080", "--Telemetry:Prometheus=true", metricsUrls]));

        Assert.Contains("Telemetry:MetricsUrls", refused.Message);
    }
}
