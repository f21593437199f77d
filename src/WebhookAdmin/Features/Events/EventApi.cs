using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Events;

// Every answer the publish can give, one event or many: the OpenAPI document's responses are read from it.
using PublishAnswer = Results<Accepted<PublishedEventJson>, Ok<PublishBatchJson>, ValidationProblem, TooLargeProblem, UnsupportedMediaTypeProblem>;

/// <summary><c>POST /api/v3/webhook/events</c>: platforms in other processes publish COTEvents for the caller's company.</summary>
public static class EventApi
{
    public static RouteGroupBuilder MapEventApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Events");
        api.MapPost("/events", Publish)
            .WithName("PublishEvent")
            .WithSummary("Publish one COTEvent (202 once it and its deliveries are stored), or a JSON array of up to 1,000 " +
                "(200 with one answer per event, in order: accepted, repeated or invalid). A repeated id is accepted once: same answer, no new deliveries.");
        return api;
    }

    private static async Task<PublishAnswer> Publish(
        HttpRequest request, ClaimsPrincipal user, CompanyIdentity identity, IEventPublisher publisher, IOptions<JsonOptions> json,
        IOptions<EventOptions> limits, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
            return ApiProblems.UnsupportedMediaType();
        // The body is read under the batch bound, announced or not (chunked): Kestrel stops reading past it.
        var maxBatchBytes = limits.Value.MaxBatchBytes;
        if (request.ContentLength > maxBatchBytes)
            return BatchTooLarge(maxBatchBytes);
        ApiProblems.LimitBody(request, maxBatchBytes);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return ApiProblems.Field("body", ApiText.Localizer["BodyNotJson"]);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BatchTooLarge(maxBatchBytes);
        }
        // The events' data stay in the document until they are written out: it lives until the publish has answered.
        using (document)
        {
            var options = json.Value.SerializerOptions;
            var company = identity.CompanyOf(user);
            // A database that does not take the events within the store timeout is a 503 (the group's filter): the
            // platform retries, and the same id is recognised as a repeat.
            var maxBytes = limits.Value.MaxBytes;
            return document.RootElement.ValueKind switch
            {
                JsonValueKind.Object => await PublishOneAsync(document.RootElement, company, publisher, options, maxBytes, cancellationToken),
                JsonValueKind.Array => await PublishManyAsync(document.RootElement, company, publisher, options, maxBytes, cancellationToken),
                _ => ApiProblems.Field("body", ApiText.Localizer["EventsBodyShape", EventPublisher.MaxBatch]),
            };
        }
    }

    private static async Task<PublishAnswer> PublishOneAsync(JsonElement body, string company, IEventPublisher publisher, JsonSerializerOptions options, int maxBytes, CancellationToken cancellationToken)
    {
        if (!TryRead(body, options, out var cotEvent, out var error))
            return ApiProblems.Field(error.Field, error.Message);
        if (EventOptions.SizeOf(cotEvent) is var size && size > maxBytes)
            return EventTooLarge(maxBytes, "body", size);
        return await publisher.PublishAsync(company, cotEvent, cancellationToken) switch
        {
            PublishOutcome.Accepted accepted => TypedResults.Accepted((string?)null, new PublishedEventJson(accepted.EventId, accepted.Deliveries)),
            PublishOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            var outcome => throw new InvalidOperationException($"Unhandled outcome {outcome}."),
        };
    }

    /// <summary>Every item is read and checked on its own, so one bad event is answered as such and the others still go.</summary>
    private static async Task<PublishAnswer> PublishManyAsync(JsonElement body, string company, IEventPublisher publisher, JsonSerializerOptions options, int maxBytes, CancellationToken cancellationToken)
    {
        var count = body.GetArrayLength();
        if (count == 0)
            return ApiProblems.Field("body", ApiText.Localizer["EventsArrayEmpty"]);
        if (count > EventPublisher.MaxBatch)
            return ApiProblems.Field("body", ApiText.Localizer["EventsTooMany", EventPublisher.MaxBatch, count]);

        var answers = new BatchItemJson?[count];
        var readable = new List<(int Index, CotEvent Event)>(count);
        var index = 0;
        foreach (var item in body.EnumerateArray())
        {
            if (TryRead(item, options, out var cotEvent, out var error))
            {
                // The whole batch is refused, as one oversized event would be: nothing of it is stored.
                if (EventOptions.SizeOf(cotEvent) is var size && size > maxBytes)
                    return EventTooLarge(maxBytes, $"[{index}]", size);
                readable.Add((index, cotEvent));
            }
            else
                answers[index] = BatchItemJson.Invalid(new Dictionary<string, string[]> { [error.Field] = [error.Message] });
            index++;
        }

        var outcomes = await publisher.PublishManyAsync(company, readable.Select(r => r.Event).ToArray(), cancellationToken);
        for (var i = 0; i < readable.Count; i++)
        {
            answers[readable[i].Index] = outcomes[i] switch
            {
                PublishOutcome.Accepted accepted => BatchItemJson.From(accepted),
                PublishOutcome.Invalid invalid => BatchItemJson.Invalid(invalid.Errors),
                var outcome => throw new InvalidOperationException($"Unhandled outcome {outcome}."),
            };
        }
        return TypedResults.Ok(new PublishBatchJson(answers.Any(a => a!.Result == BatchItemJson.InvalidResult), answers!));
    }

    /// <summary>413 naming the setting and its value, so a caller knows what to split or shrink.</summary>
    private static TooLargeProblem EventTooLarge(int limit, string which, long size) =>
        ApiProblems.TooLarge(ApiText.Localizer["EventTooLarge", limit, EventOptions.MaxBytesKey, which, size], EventOptions.MaxBytesKey, limit);

    private static TooLargeProblem BatchTooLarge(int limit) =>
        ApiProblems.TooLarge(ApiText.Localizer["EventsBodyTooLarge", limit, EventOptions.MaxBatchBytesKey], EventOptions.MaxBatchBytesKey, limit);

    private static bool TryRead(JsonElement item, JsonSerializerOptions options, out CotEvent cotEvent, out (string Field, string Message) error)
    {
        cotEvent = null!;
        error = default;
        if (item.ValueKind != JsonValueKind.Object)
        {
            error = ("body", ApiText.Localizer["EventNotObject"]);
            return false;
        }
        try
        {
            cotEvent = item.Deserialize<PublishEventRequest>(options)!.ToEvent();
            return true;
        }
        catch (JsonException e)
        {
            error = ApiProblems.JsonErrorField(e);
            return false;
        }
    }
}
