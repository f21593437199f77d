using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace WebhookAdmin.Receiving;

/// <summary>Reads a webhook's deliveries after a sequence from WebhookAdmin's catch-up API, with the webhook's receiver key.</summary>
internal sealed class CatchUpClient(IHttpClientFactory clients, WebhookReceiverOptions options)
{
    public const int PageSize = 100;

    /// <summary>A page of deliveries after <paramref name="after"/>, or the oldest sequence still held when those are gone (410).</summary>
    public async Task<CatchUpPage> ReadAsync(long after, CancellationToken cancellationToken)
    {
        if (options.WebhookAdmin is null || string.IsNullOrEmpty(options.ReceiverKey) || string.IsNullOrEmpty(options.WebhookId))
            throw new InvalidOperationException("Filling a gap needs WebhookAdmin's address, the webhook's id and its receiver key (WebhookReceiverOptions).");
        var uri = new Uri(options.WebhookAdmin, string.Create(CultureInfo.InvariantCulture,
            $"api/v3/webhook/subscription/{Uri.EscapeDataString(options.WebhookId)}/deliveries?after={after}&limit={PageSize}"));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ReceiverKey);
        using var response = await clients.CreateClient(nameof(CatchUpClient)).SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Gone)
        {
            var gone = await response.Content.ReadFromJsonAsync<GoneJson>(cancellationToken);
            return new CatchUpPage([], 0, HasMore: true, OldestHeld: gone?.OldestSequence ?? throw new InvalidOperationException("A 410 without oldestSequence."));
        }
        response.EnsureSuccessStatusCode();
        var page = await response.Content.ReadFromJsonAsync<PageJson>(cancellationToken) ?? throw new InvalidOperationException("An empty catch-up answer.");
        return new CatchUpPage(page.Deliveries, page.LastSequence, page.HasMore, OldestHeld: null);
    }

    private sealed record PageJson(IReadOnlyList<CaughtUpDelivery> Deliveries, long LastSequence, bool HasMore);

    private sealed record GoneJson(long? OldestSequence);
}

/// <summary>A page of the catch-up API; <c>OldestHeld</c> is set when the deliveries asked for are gone (the first sequence still held).</summary>
internal sealed record CatchUpPage(IReadOnlyList<CaughtUpDelivery> Deliveries, long LastSequence, bool HasMore, long? OldestHeld);

/// <summary>One delivery as the catch-up API gives it: the push's headers (signed when read) and its exact body.</summary>
internal sealed record CaughtUpDelivery(long Sequence, CaughtUpHeaders Headers, string Body);

internal sealed record CaughtUpHeaders(
    [property: JsonPropertyName("webhook-id")] string WebhookId,
    [property: JsonPropertyName("webhook-timestamp")] string WebhookTimestamp,
    [property: JsonPropertyName("webhook-signature")] string WebhookSignature);
