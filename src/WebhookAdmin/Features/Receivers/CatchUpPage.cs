using System.Globalization;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Receivers;

namespace WebhookAdmin.Features.Receivers;

/// <summary>
/// A page of the catch-up API (<see cref="CatchUpJson"/>), written delivery by delivery as each event's body is read, as
/// the logs page is: a page of 1 MiB events holds about one of them in memory. Each delivery is signed as it is
/// written, with the webhook's current keys and the time of writing, so the receiver's own verification accepts it.
/// </summary>
public sealed class CatchUpPage(CatchUpResult.Page page, IReadOnlyList<byte[]> signingKeys, DateTimeOffset now, EventBodyReader bodies, JavaScriptEncoder? encoder)
    : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => "application/json; charset=utf-8";

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(CatchUpJson), ["application/json"]));

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var _ = bodies;
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        var output = response.BodyWriter;
        var timestamp = now.ToUnixTimeSeconds();
        var stamp = timestamp.ToString(CultureInfo.InvariantCulture);
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = encoder });
        writer.WriteStartObject();
        writer.WriteStartArray("deliveries");
        foreach (var entry in page.Entries)
        {
            var body = await bodies.ReadAsync(entry.EventSequence, cancellationToken);
            var id = entry.MessageId;
            var sequence = entry.WebhookSequence.ToString(CultureInfo.InvariantCulture);
            writer.WriteStartObject();
            writer.WriteNumber("sequence", entry.WebhookSequence);
            writer.WriteString("id", id);
            writer.WriteString("createdAt", IsoTimestampConverter.Format(entry.CreatedAt));
            writer.WriteString("state", StateName(entry.State));
            writer.WriteStartObject("headers");
            writer.WriteString("webhook-id", id);
            writer.WriteString("webhook-timestamp", stamp);
            writer.WriteString("webhook-signature", WebhookSigner.SignatureHeader(signingKeys, id, timestamp, body.Span));
            writer.WriteString("webhook-sequence", sequence);
            writer.WriteEndObject();
            // As a string: its characters are the body's, so the receiver verifies the signature over the very bytes sent.
            writer.WriteString("body", body.Span);
            writer.WriteEndObject();
            writer.Flush();
            await output.FlushAsync(cancellationToken);
        }
        writer.WriteEndArray();
        writer.WriteNumber("lastSequence", page.LastSequence);
        writer.WriteBoolean("hasMore", page.HasMore);
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>How the API names a delivery's state (the Logs tab's SUCCESS and FAILED, and PENDING until it ends).</summary>
    public static string StateName(DeliveryState state) => state switch
    {
        DeliveryState.Succeeded => "SUCCESS",
        DeliveryState.Failed => "FAILED",
        _ => "PENDING",
    };
}
