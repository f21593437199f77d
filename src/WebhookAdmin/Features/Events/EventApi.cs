using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Events;

/// <summary><c>POST /api/v3/webhook/events</c>: platforms in other processes publish COTEvents for the caller's company.</summary>
public static class EventApi
{
    public static RouteGroupBuilder MapEventApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Events");
        api.MapPost("/events", Publish)
            .WithName("PublishEvent")
            .WithSummary("Publish one COTEvent (202 once it and its deliveries are stored), or a JSON array of up to 1,000 " +
                "(200 with one answer per event, in order: accepted, repeated or invalid). A repeated id is accepted once: same answer, no new deliveries.")
            .Produces<PublishedEventJson>(StatusCodes.Status202Accepted)
            .Produces<PublishBatchJson>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return api;
    }

    private static async Task<IResult> Publish(
        HttpRequest request, ClaimsPrincipal user, CompanyIdentity identity, IEventPublisher publisher, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
            return ApiProblems.UnsupportedMediaType();
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return ApiProblems.Field("body", ApiText.Localizer["BodyNotJson"]);
        }
        // The events' data stay in the document until they are written out: it lives until the publish has answered.
        using (document)
        {
            var options = json.Value.SerializerOptions;
            var company = identity.CompanyOf(user);
            // A database that does not take the events within the store timeout is a 503 (the group's filter): the
            // platform retries, and the same id is recognised as a repeat.
            return document.RootElement.ValueKind switch
            {
                JsonValueKind.Object => await PublishOneAsync(document.RootElement, company, publisher, options, cancellationToken),
                JsonValueKind.Array => await PublishManyAsync(document.RootElement, company, publisher, options, cancellationToken),
                _ => ApiProblems.Field("body", ApiText.Localizer["EventsBodyShape", EventPublisher.MaxBatch]),
            };
        }
    }

    private static async Task<IResult> PublishOneAsync(JsonElement body, string company, IEventPublisher publisher, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        if (!TryRead(body, options, out var cotEvent, out var error))
            return ApiProblems.Field(error.Field, error.Message);
        return await publisher.PublishAsync(company, cotEvent, cancellationToken) switch
        {
            PublishOutcome.Accepted accepted => TypedResults.Accepted((string?)null, new PublishedEventJson(accepted.EventId, accepted.Deliveries)),
            PublishOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            var outcome => throw new InvalidOperationException($"Unhandled outcome {outcome}."),
        };
    }

    /// <summary>Every item is read and checked on its own, so one bad event is answered as such and the others still go.</summary>
    private static async Task<IResult> PublishManyAsync(JsonElement body, string company, IEventPublisher publisher, JsonSerializerOptions options, CancellationToken cancellationToken)
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
                readable.Add((index, cotEvent));
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
