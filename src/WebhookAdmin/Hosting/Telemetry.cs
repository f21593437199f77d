using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WebhookAdmin.Core.Delivery;

namespace WebhookAdmin.Hosting;

/// <summary>
/// OpenTelemetry, switched on by its exporters: OTLP (metrics and traces) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// set, as the OpenTelemetry specification names it; a Prometheus scrape endpoint at <see cref="PrometheusPath"/> when
/// <c>Telemetry:Prometheus</c> is true. With neither, nothing listens, and the delivery engine's instruments and spans
/// cost a check each (measured: the delivery benchmark within run-to-run noise, see the README).
/// </summary>
public static class Telemetry
{
    public const string PrometheusKey = "Telemetry:Prometheus";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
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
            telemetry.WithMetrics(metrics => metrics.AddPrometheusExporter());
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
    /// The scrape endpoint, anonymous as scrapers expect: it tells counts and webhook ids, no content. Keep it inside
    /// the network (deploy/nginx/webhookadmin.conf does not pass it on).
    /// </summary>
    public static WebApplication MapTelemetry(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>(PrometheusKey))
            app.MapPrometheusScrapingEndpoint(PrometheusPath).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
