using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebhookAdmin.Core.ContextDirectory;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core;

public static class CoreServices
{
    /// <summary>Storage and the service layer the UI, the API and the dispatcher share.</summary>
    public static IServiceCollection AddWebhookAdminCore(this IServiceCollection services, string? connectionString, StorageProvider provider = StorageProvider.Sqlite)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddWebhookStorage(connectionString, provider);
        services.TryAddSingleton<Delivery.DeliveryFeed>();
        // Endpoint secrets are protected with the app's keys; the host keeps them in the database for every instance.
        services.AddDataProtection();
        services.AddSingleton<EndpointAuth.EndpointSecretBox>();
        services.AddSingleton<EndpointAuth.EndpointAuthService>();
        services.AddSingleton<WebhookDirectory>();
        services.AddSingleton<WebhookService>();
        services.AddSingleton<Filters.PayloadFilterService>();
        services.AddSingleton<WebhookListing>();
        services.AddSingleton<DirectoryService>();
        services.AddSingleton<ContextChoices>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookLogQueries>();
        services.AddSingleton<Receivers.ReceiverKeys>();
        services.AddSingleton<Receivers.DeliveryCatchUp>();
        services.AddSingleton<LogNotifications>();
        services.AddSingleton<Notices.NoticeBoard>();
        return services;
    }
}
