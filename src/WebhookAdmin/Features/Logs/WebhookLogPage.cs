using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Features.Logs;

/// <summary>
/// A page of the documented COTWebhookLog JSON (<see cref="WebhookLogJson"/>), written log by log as each event's body
/// is read: the body goes out byte for byte as stored (it was checked as JSON when it was published), never parsed and
/// copied, so serving 100 logs of 1 MiB holds about one of them in memory.
/// It declares itself as <c>Ok&lt;WebhookLogJson[]&gt;</c> would, so the OpenAPI document's 200 is read from the handler's
/// return type. It is no <see cref="Microsoft.AspNetCore.Http.HttpResults.IValueHttpResult"/>: the logs' JSON only exists
/// as it is written out, never as a value to hand over.
/// </summary>
public sealed class WebhookLogPage(IReadOnlyList<LogEntry> entries, EventBodyReader bodies, JavaScriptEncoder? encoder)
    : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => "application/json; charset=utf-8";

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(WebhookLogJson[]), ["application/json"]));

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var _ = bodies;
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        var output = response.BodyWriter;
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = encoder });
        writer.WriteStartArray();
        foreach (var entry in entries)
        {
            var body = await bodies.ReadAsync(entry.Sequence, cancellationToken);
            writer.WriteStartObject();
            writer.WriteString("_id", entry.PublicId);
            writer.WriteString("company", entry.CompanyId);
            writer.WriteString("createdAt", IsoTimestampConverter.Format(entry.CreatedAt));
            writer.WriteNumber("status", entry.Status);
            writer.WriteNumber("retry", entry.Retry);
            writer.WriteString("response", entry.Response);
            writer.WritePropertyName("event");
            // A body emptied by an old storage migration has nothing to show; null rather than a broken page.
            if (IsJson(body.Span))
                writer.WriteRawValue(body.Span, skipInputValidation: true);
            else
                writer.WriteNullValue();
            writer.WriteString("subscription", entry.WebhookId);
            writer.WriteNumber("__v", entry.Version);
            writer.WriteNumber("sequence", entry.WebhookSequence);
            writer.WriteEndObject();
            writer.Flush();
            // Each log leaves before the next body is read: a slow reader holds the pipe's back-pressure, not our memory.
            await output.FlushAsync(cancellationToken);
        }
        writer.WriteEndArray();
        writer.Flush();
    }

    private static bool IsJson(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
            return false;
        var reader = new Utf8JsonReader(body);
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
