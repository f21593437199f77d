using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WebhookAdmin.Receiving;

/// <summary>Registers the receiver and maps the endpoint WebhookAdmin posts to.</summary>
public static class ReceiverEndpoints
{
    /// <summary>The receiver's services: options, signature check, catch-up client and a file for its state.</summary>
    public static IServiceCollection AddWebhookReceiver(this IServiceCollection services, Action<WebhookReceiverOptions> configure)
    {
        services.AddOptions<WebhookReceiverOptions>().Configure(configure);
        services.AddHttpClient(nameof(CatchUpClient), client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<WebhookReceiverOptions>>().Value);
        services.AddSingleton(provider => new SignatureVerifier(provider.GetRequiredService<WebhookReceiverOptions>(), provider.GetService<TimeProvider>()));
        services.AddSingleton<IReceiverStateStore>(provider => new FileReceiverStateStore(provider.GetRequiredService<WebhookReceiverOptions>().StateFile));
        services.AddSingleton<CatchUpClient>();
        services.AddSingleton<WebhookReceiver>();
        return services;
    }

    /// <summary>
    /// <c>POST <paramref name="pattern"/></c>: where WebhookAdmin delivers. <paramref name="handle"/> gets each event once, in
    /// sequence order; when it throws, WebhookAdmin is answered 503 and sends the delivery again.
    /// </summary>
    public static IEndpointConventionBuilder MapWebhookReceiver(this IEndpointRouteBuilder endpoints, string pattern, Func<WebhookMessage, CancellationToken, Task> handle) =>
        endpoints.MapPost(pattern, async (HttpContext http, WebhookReceiver receiver, WebhookReceiverOptions options) =>
        {
            var request = http.Request;
            if (request.ContentLength > options.MaxBodyBytes)
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, http.RequestAborted);
            if (buffer.Length > options.MaxBodyBytes)
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            var headers = request.Headers;
            var outcome = await receiver.ReceiveAsync(headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], headers["webhook-sequence"],
                buffer.ToArray(), handle, http.RequestAborted);
            return outcome switch
            {
                ReceiveOutcome.Handled or ReceiveOutcome.Repeat => Results.NoContent(),
                ReceiveOutcome.Malformed => Results.BadRequest(),
                ReceiveOutcome.Unauthentic => Results.Unauthorized(),
                _ => Results.StatusCode(StatusCodes.Status503ServiceUnavailable),
            };
        });
}
