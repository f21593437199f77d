using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Events.Catalogue;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Features.Events;

/// <summary>
/// <c>GET /api/v3/webhook/event-types</c>: what each trigger sends (the event catalogue), so a receiver's developer can
/// validate bodies or generate types from the schemas. The same for every company, behind the same token as the rest.
/// </summary>
public static class EventCatalogueApi
{
    public const string Path = "/api/v3/webhook/event-types";
    public const string OperationId = "ListEventTypes";

    public static RouteGroupBuilder MapEventCatalogueApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Events");
        api.MapGet("/event-types", List)
            .WithName(OperationId)
            .WithSummary("Every (trigger, event) a webhook can receive, with a JSON Schema (draft 2020-12) of the whole body and an example; " +
                "?trigger= narrows to one trigger. Source says whether the example is from the product documents or written by WebhookAdmin.");
        return api;
    }

    private static Results<Ok<EventTypeJson[]>, ValidationProblem> List(string? trigger)
    {
        if (trigger is not null && WebhookRules.CheckTrigger(trigger) is { } unknown)
            return ApiProblems.Field("trigger", unknown);
        var entries = trigger is null ? EventCatalogue.All : EventCatalogue.For(trigger);
        return TypedResults.Ok(entries.Select(EventTypeJson.From).ToArray());
    }
}

/// <param name="Description">When it is sent, in the request's language.</param>
/// <param name="Source"><c>documented</c> (the product documents' sample) or <c>written</c> (by WebhookAdmin, in their spirit).</param>
/// <param name="Schema">A JSON Schema (draft 2020-12) of the whole body the receiver gets.</param>
/// <param name="Example">A body as the receiver gets it.</param>
public sealed record EventTypeJson(string Trigger, string Type, string Event, string Description, string Source, JsonElement Schema, JsonElement Example)
{
    public const string Documented = "documented";
    public const string Written = "written";

    public static EventTypeJson From(EventCatalogueEntry entry) =>
        new(entry.Trigger, entry.Type, entry.Event, entry.Description, entry.Source == ExampleSource.Documented ? Documented : Written, entry.Schema, entry.Example);
}
