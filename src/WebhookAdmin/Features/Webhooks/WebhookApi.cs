using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookAdmin.Api;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Webhooks;

/// <summary><c>/api/v3/webhook/subscription</c>: the documented reads plus create and update, for the caller's company only.</summary>
public static class WebhookApi
{
    public static RouteGroupBuilder MapWebhookApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Webhooks");

        api.MapGet("/subscription", List)
            .WithName("ListWebhooks").WithSummary("All webhooks of the caller's company (COTWebhook[]).");
        api.MapGet("/subscription/{id}", Get)
            .WithName("GetWebhook").WithSummary("One webhook by its ObjectId (COTWebhook).");
        // The body is read by ApiProblems.ReadJsonAsync (not declared with Accepts<T>): declared content types take part in
        // routing, and a non-JSON request would then fall through to the UI's sign-in instead of getting a 415.
        api.MapPost("/subscription", Create)
            .WithName("CreateWebhook").WithSummary("Create a webhook; the code is suggested from the name when omitted.");
        api.MapPatch("/subscription/{id}", Update)
            .WithName("UpdateWebhook").WithSummary("Change fields, activate or deactivate; send __v to refuse stale writes.");
        api.MapPost("/subscription/{id}/test", SendTestEvent)
            .WithName("SendTestEvent")
            .WithSummary("A sample event of the webhook's trigger (extraData.test = true), sent to this webhook only through the normal delivery path; a deactivated webhook gets it once activated.");
        return api;
    }

    private static async Task<Results<Accepted<Events.PublishedEventJson>, ValidationProblem, NotFoundProblem>> SendTestEvent(
        string id, ClaimsPrincipal user, CompanyIdentity identity, Core.Events.TestEventSender testEvents, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        var sent = await testEvents.SendAsync(identity.CompanyOf(user), webhookId, cancellationToken);
        return sent is null ? ApiProblems.WebhookNotFound(webhookId) : TypedResults.Accepted((string?)null, new Events.PublishedEventJson(sent.EventId, 1));
    }

    private static async Task<Ok<WebhookJson[]>> List(ClaimsPrincipal user, CompanyIdentity identity, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var all = await webhooks.ListAsync(identity.CompanyOf(user), includeInactive: true, cancellationToken);
        return TypedResults.Ok(all.Select(WebhookJson.From).ToArray());
    }

    private static async Task<Results<Ok<WebhookJson>, ValidationProblem, NotFoundProblem>> Get(
        string id, ClaimsPrincipal user, CompanyIdentity identity, WebhookService webhooks, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        var webhook = await webhooks.GetAsync(identity.CompanyOf(user), webhookId, cancellationToken);
        return webhook is null ? ApiProblems.WebhookNotFound(webhookId) : TypedResults.Ok(WebhookJson.From(webhook));
    }

    private static async Task<Results<Created<WebhookJson>, ValidationProblem, TooLargeProblem, UnsupportedMediaTypeProblem>> Create(
        HttpRequest request, ClaimsPrincipal user, CompanyIdentity identity, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var body = await ApiProblems.ReadJsonAsync<CreateWebhookRequest>(request, ApiProblems.WebhookBodyLimit, cancellationToken);
        if (body.NotJson is { } notJson)
            return notJson;
        if (body.TooLarge is { } tooLarge)
            return tooLarge;
        if (body.Invalid is { } badBody)
            return badBody;
        return await webhooks.CreateAsync(identity.CompanyOf(user), body.Value!.ToDraft(), cancellationToken) switch
        {
            WebhookOutcome.Saved saved => TypedResults.Created($"/api/v3/webhook/subscription/{saved.Webhook.Id}", WebhookJson.From(saved.Webhook)),
            WebhookOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            var outcome => throw new InvalidOperationException($"Unhandled outcome {outcome}."),
        };
    }

    private static async Task<Results<Ok<WebhookJson>, ValidationProblem, NotFoundProblem, ConflictProblem, TooLargeProblem, UnsupportedMediaTypeProblem>> Update(
        string id, HttpRequest request, ClaimsPrincipal user, CompanyIdentity identity, WebhookService webhooks, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        var body = await ApiProblems.ReadJsonAsync<UpdateWebhookRequest>(request, ApiProblems.WebhookBodyLimit, cancellationToken);
        if (body.NotJson is { } notJson)
            return notJson;
        if (body.TooLarge is { } tooLarge)
            return tooLarge;
        if (body.Invalid is { } badBody)
            return badBody;
        var changes = body.Value!;
        var company = identity.CompanyOf(user);
        // Echoing the stored values back is fine; a different one is a change that cannot be made, not one to ignore.
        if (changes.Id is { } bodyId && !(ObjectId.IsValid(bodyId) && ObjectId.Normalize(bodyId) == webhookId))
            return ApiProblems.Field("_id", ApiText.Localizer["IdChanged"]);
        if (changes.Company is { } bodyCompany && bodyCompany != company)
            return ApiProblems.Field("company", ApiText.Localizer["CompanyChanged"]);
        return await webhooks.UpdateAsync(company, webhookId, changes.ToChanges(), cancellationToken) switch
        {
            WebhookOutcome.Saved saved => TypedResults.Ok(WebhookJson.From(saved.Webhook)),
            WebhookOutcome.NotFound => ApiProblems.WebhookNotFound(webhookId),
            WebhookOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            WebhookOutcome.Conflict conflict => new ConflictProblem(
                ApiText.Localizer["ConflictTitle"],
                ApiText.Localizer["ConflictDetail", conflict.Current.Version],
                new Dictionary<string, object?> { ["current"] = WebhookJson.From(conflict.Current) }),
            var outcome => throw new InvalidOperationException($"Unhandled outcome {outcome}."),
        };
    }
}
