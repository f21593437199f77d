using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Delivery;

public static class DeliveryServices
{
    /// <summary>
    /// The publisher, the dispatcher and its parts, the sender's HTTP client, the metrics, automatic deactivation, bulk
    /// recovery and the logs' retention, with <see cref="DeliveryOptions"/> and <see cref="LogOptions"/> bound and checked at start. Needs <see cref="CoreServices.AddWebhookAdminCore"/>.
    /// </summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>()
            .Bind(configuration.GetSection(DeliveryOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(
                options => options.ConcurrentDeliveriesPerCompany <= options.MaxConcurrentDeliveries,
                "Webhooks:Delivery:MaxConcurrentDeliveriesPerCompany must be at most MaxConcurrentDeliveries.")
            .ValidateOnStart();

        services.AddOptions<EventOptions>()
            .Bind(configuration.GetSection(EventOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<Notices.NoticeOptions>()
            .Bind(configuration.GetSection(Notices.NoticeOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<Notices.NoticeQueue>();
        services.TryAddSingleton<Notices.IOperationalNotices, Notices.OperationalNotices>();
        services.TryAddSingleton<DeliveryFeed>();
        services.AddSingleton<DeliveryWriter>();
        services.AddSingleton<IAttemptRecorder>(provider => provider.GetRequiredService<DeliveryWriter>());
        // Started before the dispatcher and the other loops that write, stopped after them (hosts stop in reverse order),
        // so that every attempt they hand in on their way out is stored.
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryWriter>());
        services.AddSingleton<EventPublisher>();
        services.AddSingleton<IEventPublisher>(provider => provider.GetRequiredService<EventPublisher>());
        services.AddSingleton<TestEventSender>();
        services.AddSingleton<DeliveryResender>();
        services.AddSingleton<EndpointAuth.OAuthTokens>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<IAttemptSender>(provider => provider.GetRequiredService<WebhookSender>());
        services.AddSingleton<IDeliveryTargets>(provider => provider.GetRequiredService<WebhookDirectory>());
        services.AddSingleton<DeliveryDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryDispatcher>());

        services.AddMetrics();
        services.TryAddSingleton<DeliveryTelemetry>();
        services.AddSingleton<BacklogSampler>();
        services.AddHostedService(provider => provider.GetRequiredService<BacklogSampler>());
        // After the writer, so that it is stopped first and its last publishes find the writer still running.
        services.AddSingleton<Notices.NoticePump>();
        services.AddHostedService(provider => provider.GetRequiredService<Notices.NoticePump>());
        services.AddSingleton<FailingWebhooks>();
        services.AddHostedService(provider => provider.GetRequiredService<FailingWebhooks>());

        services.AddOptions<Recovery.RecoveryOptions>()
            .Bind(configuration.GetSection(Recovery.RecoveryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Recovery.RecoveryWakeup>();
        services.AddSingleton<Recovery.RecoveryJobs>();
        services.AddSingleton<Recovery.RecoveryWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<Recovery.RecoveryWorker>());

        services.AddOptions<LogOptions>()
            .Bind(configuration.GetSection(LogOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<LogRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<LogRetention>());

        services.AddHttpClient(WebhookSender.ClientName, client =>
            {
                // The sender enforces its own per-attempt timeout; HttpClient's would only add a second, vaguer one.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd(WebhookSender.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var allowPrivate = provider.GetRequiredService<IOptions<DeliveryOptions>>().Value.AllowPrivateNetworks;
                return new SocketsHttpHandler
                {
                    // A 3xx is an answer (a failure), never a second request to wherever it points.
                    AllowAutoRedirect = false,
                    // A proxy would make the guard check the proxy's address instead of the receiver's.
                    UseProxy = false,
                    UseCookies = false,
                    AutomaticDecompression = System.Net.DecompressionMethods.None,
                    MaxResponseHeadersLength = 64,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    ConnectCallback = (context, cancellationToken) => NetworkGuard.ConnectAsync(context.DnsEndPoint, allowPrivate, cancellationToken),
                };
            })
            .RemoveAllLoggers();
        return services;
    }
}
