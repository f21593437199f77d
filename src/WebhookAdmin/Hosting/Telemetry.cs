
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WebhookAdmin.Core.Delivery;

namespace WebhookAdmin.Hosting;

/// <summary>
/// OpenTelemetry, switched on by its exporters: OTLP (metrics and traces) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// set, as the OpenTelemetry specification names it; a Prometheus scrape endpoint at <see cref="PrometheusPath"/> when
/// <c>Telemetry:Prometheus</c> is true, served only on the management addresses of <c>Telemetry:MetricsUrls</c>. With neither, nothing listens, and the delivery engine's instruments and spans
/// cost a check each (measured: the delivery benchmark within run-to-run noise, see the README).
/// </summary>
public static class Telemetry
{
    public const string PrometheusKey = "Telemetry:Prometheus";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string MetricsUrlsKey = "Telemetry:MetricsUrls";
    public const string PrometheusPath = "/metrics";

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        var prometheus = builder.Configuration.GetValue<bool>(PrometheusKey);
        if (!otlp && !prometheus)
            return builder;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("WebhookAdmin", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithWebhookAdminMetrics();
        if (otlp)
            telemetry.WithWebhookAdminTracing().UseOtlpExporter();
        if (prometheus)
        {
            telemetry.WithMetrics(metrics => metrics.AddPrometheusExporter());
            builder.ListenOnManagementAddresses();
        }
        return builder;
    }

    /// <summary>The delivery engine's meter, and ASP.NET Core's and HttpClient's (requests, attempts' connections).</summary>
    public static IOpenTelemetryBuilder WithWebhookAdminMetrics(this IOpenTelemetryBuilder telemetry) =>
        telemetry.WithMetrics(metrics => metrics
            .AddMeter(DeliveryTelemetry.Name)
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation());

    /// <summary>
    /// A trace from each publish (the API request, then its <c>webhook publish</c> span) to each delivery attempt
    /// (<c>webhook deliver</c>, with HttpClient's request under it). The circuits, static files and health probes are
    /// left out: they are most of the requests and tell nothing about deliveries. Outgoing requests show their
    /// receiver's origin only (<see cref="ReceiverAddressOnly"/>); HttpClient's metrics carry no path to begin with.
    /// </summary>
    public static IOpenTelemetryBuilder WithWebhookAdminTracing(this IOpenTelemetryBuilder telemetry) =>
        telemetry.WithTracing(tracing => tracing
            .AddSource(DeliveryTelemetry.Name)
            .AddAspNetCoreInstrumentation(options => options.Filter = http => http.Request.Path.StartsWithSegments("/api"))
            .AddHttpClientInstrumentation(options => options.RecordException = false)
            .AddProcessor(new ReceiverAddressOnly()));

    /// <summary>
    /// Kestrel listens on <c>Telemetry:MetricsUrls</c> (e.g. <c>http://127.0.0.1:9464</c>) beside the public addresses.
    /// Refused at start: Prometheus on without a management address (the scrape endpoint is anonymous, so it never
    /// falls back to the public one), a management port that is also a public one, or port 0.
    /// </summary>
    private static void ListenOnManagementAddresses(this WebApplicationBuilder builder)
    {
        var management = Split(builder.Configuration[MetricsUrlsKey]);
        if (management.Length == 0)
            throw new InvalidOperationException($"{PrometheusKey} is true but {MetricsUrlsKey} is empty: name the management address the scrape endpoint listens on (e.g. http://127.0.0.1:9464), never the public one.");
        var managementPorts = management.Select(PortOf).ToHashSet();
        var endpoints = builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().ToArray();
        var publicUrls = endpoints.Length > 0
            ? endpoints.Select(e => e["Url"] ?? "").ToArray()
            : Split(builder.Configuration[WebHostDefaults.ServerUrlsKey]) is { Length: > 0 } urls ? urls : ["http://localhost:5000"];
        if (managementPorts.Contains(0) || publicUrls.Select(PortOf).Any(managementPorts.Contains))
            throw new InvalidOperationException($"{MetricsUrlsKey} ({string.Join(';', management)}) needs ports of its own, not 0 and none of the public addresses' ({string.Join(';', publicUrls)}).");
        builder.Services.AddSingleton(new ManagementAddresses(managementPorts));
        if (endpoints.Length > 0)
        {
            // Kestrel:Endpoints replaces the urls setting: the management addresses join it as endpoints of their own.
            builder.Configuration.AddInMemoryCollection(management.Select((url, i) => new KeyValuePair<string, string?>($"Kestrel:Endpoints:Management{i}:Url", url)));
            return;
        }
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Join(';', publicUrls.Concat(management)));
    }

    private static string[] Split(string? urls) => (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int PortOf(string url) =>
        BindingAddress.Parse(url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal)).Port;

    /// <summary>
    /// First in the pipeline. A request that came in on a management port meets the scrape endpoint and nothing else
    /// of the app (no pages, no API, no sign-in); on a public port <see cref="PrometheusPath"/>, in any letter case, is
    /// 404. The port the connection arrived on decides, not the Host header, which the caller writes.
    /// </summary>
    public static WebApplication UseTelemetryEndpoints(this WebApplication app)
    {
        if (app.Services.GetService<ManagementAddresses>() is { } management)
        {
            app.MapWhen(http => management.Ports.Contains(http.Connection.LocalPort), scrape =>
            {
                scrape.UseOpenTelemetryPrometheusScrapingEndpoint(http => http.Request.Path.Equals(PrometheusPath, StringComparison.OrdinalIgnoreCase));
                scrape.Run(NotFound);
            });
        }
        app.MapWhen(http => http.Request.Path.StartsWithSegments(PrometheusPath, StringComparison.OrdinalIgnoreCase), metrics => metrics.Run(NotFound));
        return app;
    }

    private static Task NotFound(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}

/// <summary>The ports of <c>Telemetry:MetricsUrls</c>, where only the scrape endpoint answers.</summary>
public sealed record ManagementAddresses(IReadOnlySet<int> Ports);
