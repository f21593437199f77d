using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.EndpointAuth;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Delivery;

/// <summary>How one attempt went. <paramref name="Status"/> is 0 when no response came; <paramref name="Response"/> is the body or the error.</summary>
public sealed record AttemptResult(int Status, bool Succeeded, string Response, DateTime StartedAt, TimeSpan Duration, bool TransportError);

/// <summary>Sends one signed attempt over the named client and reports how it went; it never throws for the receiver's faults.</summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptions<DeliveryOptions> options, OAuthTokens tokens, TimeProvider clock) : IAttemptSender
{
    // One client for the life of the app: its handler pools connections per receiver and renews them itself
    // (PooledConnectionLifetime), so there is nothing to gain from a client per attempt but allocations.
    private readonly HttpClient _client = clients.CreateClient(ClientName);

    public const string ClientName = "WebhookAdmin.Delivery";
    public const string UserAgent = "WebhookAdmin/1.0";

    /// <summary>The delivery's place among its webhook's (1, 2, 3… without gaps), the same on every attempt and resend.</summary>
    public const string SequenceHeader = "webhook-sequence";

    /// <summary>Which attempt of the delivery this is: 1, 2, 3…, counting resends.</summary>
    public const string AttemptHeader = "webhook-attempt";
    private const string TruncationMarker = "\n…[truncated: the response exceeded {0} bytes]";

    /// <summary>The documented success range: 200–209. 210 and above, redirects and errors are failures.</summary>
    public static bool IsSuccess(int status) => status is >= 200 and <= 209;

    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> (shutdown) fires; the attempt then counts as not made.</exception>
    public async Task<AttemptResult> SendAsync(DeliveryTarget target, QueuedDelivery delivery, CancellationToken cancellationToken)
    {
        var timeout = options.Value.Timeout;
        var startedAt = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var timestamp = startedAt.ToUnixTimeSeconds();
        var signature = WebhookSigner.SignatureHeader(target.SigningKeys(startedAt.UtcDateTime), delivery.MessageId, timestamp, delivery.Body);
        var credentials = target.Credentials;

        // One budget for the whole exchange: a receiver that trickles its answer costs one timeout, like one that hangs;
        // an OAuth2 token fetched first counts against it too.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        var status = 0;
        try
        {
            string? token = null;
            var fresh = false;
            if (credentials is { Kind: EndpointAuthKind.OAuth2 })
                (token, fresh) = await tokens.GetAsync(credentials, attempt.Token);
            using var request = Request();
            var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized && token is not null)
            {
                // The receiver refused the token: never again. One kept from before may simply have been revoked early,
                // so it is worth a new one and one more try within this attempt.
                tokens.Invalidate(credentials!, token);
                if (!fresh)
                {
                    response.Dispose();
                    (token, _) = await tokens.GetAsync(credentials!, attempt.Token);
                    using var again = Request();
                    response = await _client.SendAsync(again, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
                }
            }
            using (response)
            {
                status = (int)response.StatusCode;
                var body = await ReadBoundedAsync(response.Content, DeliveryOptions.ResponseBodyLimit, attempt.Token);
                return Result(status, IsSuccess(status), body, transportError: false);
            }

            HttpRequestMessage Request()
            {
                var message = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(delivery.Body) };
                // The admin's headers first: the delivery's own are added after, and the rules keep their names apart.
                foreach (var (name, value) in credentials?.Headers ?? [])
                {
                    // Names .NET files under the content (Content-Language, Expires…) are refused on the request itself.
                    if (!message.Headers.TryAddWithoutValidation(name, value))
                        message.Content.Headers.TryAddWithoutValidation(name, value);
                }
                if ((token is not null ? "Bearer " + token : credentials?.StaticAuthorization) is { } authorization)
                    message.Headers.TryAddWithoutValidation("authorization", authorization);
                message.Content.Headers.TryAddWithoutValidation("content-type", "application/json");
                message.Headers.TryAddWithoutValidation("webhook-id", delivery.MessageId);
                message.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
                message.Headers.TryAddWithoutValidation("webhook-signature", signature);
                // Not signed (the Standard Webhooks signature covers id, timestamp and body only): the sequence is the log's,
                // fixed at publish, and a receiver that must trust it reads it back from the catch-up API, signed with the body.
                message.Headers.TryAddWithoutValidation(SequenceHeader, delivery.WebhookSequence.ToString(CultureInfo.InvariantCulture));
                message.Headers.TryAddWithoutValidation(AttemptHeader, delivery.AttemptNumber.ToString(CultureInfo.InvariantCulture));
                return message;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var ms = (long)timeout.TotalMilliseconds;
            var what = status == 0 ? $"timeout: no response within {ms} ms" : $"timeout: the response body did not arrive within {ms} ms";
            return Result(status, false, what, transportError: true);
        }
        catch (HttpRequestException e)
        {
            return Result(0, false, StoredText.Clean(Describe(e)), transportError: true);
        }
        catch (OAuthTokenException e)
        {
            return Result(0, false, StoredText.Clean(e.Message), transportError: true);
        }

        AttemptResult Result(int code, bool succeeded, string response, bool transportError) =>
            new(code, succeeded, response, startedAt.UtcDateTime, Stopwatch.GetElapsedTime(started), transportError);
    }

    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes (one more to know there was more), whatever the receiver sends. The
    /// buffer starts at the announced length (or 1 KiB) and grows only for a long answer: renting the full 16 KiB for
    /// every attempt emptied the shared pool under 32 concurrent lanes and allocated a new one each time.
    /// </summary>
    internal static async Task<string> ReadBoundedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        var announced = content.Headers.ContentLength;
        if (announced == 0)
            return "";
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(announced is > 0 and <= int.MaxValue ? (int)Math.Min(announced.Value + 1, limit + 1) : 1024);
        try
        {
            var read = 0;
            while (read < limit + 1)
            {
                if (read == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, read).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var n = await stream.ReadAsync(buffer.AsMemory(read, Math.Min(buffer.Length, limit + 1) - read), cancellationToken);
                if (n == 0)
                    break;
                read += n;
            }
            // Whatever the bytes, the text is one every database stores (StoredText): the record of an attempt must never
            // be refused, or the writer would hold every company's records behind it.
            if (read <= limit)
                return StoredText.FromReceiver(buffer.AsSpan(0, read));
            // Cut on a character boundary, so a long answer's last character is not taken for invalid UTF-8.
            var kept = buffer.AsSpan(0, limit);
            var text = StoredText.FromReceiver(kept[..StoredText.CompleteLength(kept)]);
            return text + string.Format(CultureInfo.InvariantCulture, TruncationMarker, limit);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The innermost meaningful reason: our connect errors (refused, blocked, DNS) as they are, others by message.</summary>
    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is DeliveryConnectException connect)
                return connect.Message;
        }
        return e.InnerException is { } cause ? $"{e.Message} ({cause.Message})" : e.Message;
    }
}
