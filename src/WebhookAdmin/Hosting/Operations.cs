using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Hosting;

/// <summary><c>Api:RateLimit</c>: requests per second each company may make to the API, all instances together.</summary>
public sealed class ApiRateLimitOptions
{
    public const string SectionName = "Api:RateLimit";

    /// <summary>Generous by default: a platform publishing 20,000 events a second through single requests is not held back.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000_000)]
    public int PermitsPerSecond { get; set; } = 20_000;
}

/// <summary>What operators run the app with: health endpoints and per-company API rate limits.</summary>
public static class Operations
{
    public const string ApiRateLimitPolicy = "api-per-company";
    private const string ReadyTag = "ready";

    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        // One per app (AddCheck resolves a registered check), so its probe in flight is shared by the checks that come meanwhile.
        builder.Services.AddSingleton<StorageReady>();
        builder.Services.AddHealthChecks()
            .AddCheck<StorageReady>("storage", tags: [ReadyTag])
            .AddCheck<DeliveryReady>("delivery", tags: [ReadyTag]);

        builder.Services.AddOptions<ApiRateLimitOptions>()
            .Bind(builder.Configuration.GetSection(ApiRateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var permits = builder.Configuration.GetSection(ApiRateLimitOptions.SectionName).Get<ApiRateLimitOptions>()?.PermitsPerSecond ?? new ApiRateLimitOptions().PermitsPerSecond;
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
            // One budget per company (the token's company claim) shared by every instance: one platform's burst never
            // slows another's, and a second's worth passes at once.
            limiter.AddPolicy(ApiRateLimitPolicy, http =>
            {
                var company = http.RequestServices.GetRequiredService<CompanyIdentity>().CompanyOrNull(http.User) ?? "";
                return RateLimitPartition.Get(company, key => new SharedBudgetLimiter(
                    key, permits, http.RequestServices.GetRequiredService<IRateWindows>(), http.RequestServices.GetRequiredService<TimeProvider>(),
                    http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<SharedBudgetLimiter>()));
            });
        });
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the database answers with every migration
    /// applied, and the dispatcher's loop and the writer are going. Anonymous, and they say only Healthy or Unhealthy.
    /// </summary>
    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: Api.ApiText.Localizer["RateLimitedTitle"],
                detail: Api.ApiText.Localizer["RateLimitedDetail", seconds])
            .ExecuteAsync(context.HttpContext);
    }

    /// <summary>
    /// A real round trip (the migrations table), answered within <see cref="ProbeTimeout"/>: a database that is
    /// restarting or unreachable makes its queries hang until the command timeout (30 s), which is no answer for a
    /// load balancer. One probe at a time; a slow one is shared by the checks that come meanwhile, so an outage does not
    /// pile up connections waiting for the database.
    /// </summary>
    private sealed class StorageReady(IDbContextFactory<WebhookAdminDbContext> contexts) : IHealthCheck
    {
        private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
        private readonly Lock _gate = new();
        private Task<HealthCheckResult>? _probe;

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Task<HealthCheckResult> probe;
            lock (_gate)
            {
                if (_probe is not { IsCompleted: false })
                    _probe = ProbeAsync(contexts);
                probe = _probe;
            }
            try
            {
                return await probe.WaitAsync(ProbeTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                return HealthCheckResult.Unhealthy("The database does not answer.");
            }
        }

        private static async Task<HealthCheckResult> ProbeAsync(IDbContextFactory<WebhookAdminDbContext> contexts)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync();
                return (await db.Database.GetPendingMigrationsAsync()).Any()
                    ? HealthCheckResult.Unhealthy("Migrations are pending.")
                    : HealthCheckResult.Healthy();
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy("The database does not answer.", e);
            }
        }
    }

    private sealed class DeliveryReady(DeliveryDispatcher dispatcher, DeliveryWriter writer, IOptions<DeliveryOptions> options) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(!writer.IsRunning ? HealthCheckResult.Unhealthy("The delivery writer has stopped.")
                : writer.StalledFor > options.Value.WriterUnhealthyAfter ? HealthCheckResult.Unhealthy("The delivery writer has writes waiting that the database does not take.")
                : !dispatcher.IsAlive ? HealthCheckResult.Unhealthy("The dispatcher has not looked for work within its poll interval.")
                : HealthCheckResult.Healthy());
    }
}
