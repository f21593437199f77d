using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Filters;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Filters;

/// <summary>A webhook's payload filter: which of its trigger's events it is sent, by what their body holds.</summary>
public static class FilterApi
{
    public const string PutOperationId = "PutWebhookFilter";
    public const string TestOperationId = "TestWebhookFilter";

    /// <summary>Where in a 400's <c>errors</c> a filter's broken rule is named: <c>filter</c>, <c>filter.and[1].op</c>…</summary>
    public static string FieldOf(string location) => location.Length == 0 ? "filter" : "filter." + location;

    public static RouteGroupBuilder MapFilterApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Payload filter");
        api.MapGet("/subscription/{id}/filter", Get)
            .WithName("GetWebhookFilter")
            .WithSummary("The webhook's payload filter; null when every event of its trigger (and workflow, survey or group) is sent.");
        // Bodies are read by ApiProblems.ReadJsonAsync, so a bad field is named (ApiDocument documents them).
        api.MapPut("/subscription/{id}/filter", Put)
            .WithName(PutOperationId)
            .WithSummary("Replaces the payload filter: events whose body does not match it get no delivery and no log. A null filter removes it.");
        api.MapDelete("/subscription/{id}/filter", Delete)
            .WithName("DeleteWebhookFilter")
            .WithSummary("Removes the payload filter: every event of the trigger is sent again.");
        api.MapPost("/subscription/{id}/filter/test", Test)
            .WithName(TestOperationId)
            .WithSummary($"Tries a filter (the stored one when the body has none) on the webhook's last {PayloadFilterService.TestedEvents} logged events, newest first; nothing is saved or sent.");
        return api;
    }

    private static async Task<Results<Ok<FilterJson>, ValidationProblem, NotFoundProblem>> Get(
        string id, ClaimsPrincipal user, CompanyIdentity identity, PayloadFilterService filters, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        return await filters.GetAsync(identity.CompanyOf(user), webhookId, cancellationToken) is FilterOutcome.Saved saved
            ? TypedResults.Ok(FilterJson.From(saved.Filter))
            : ApiProblems.WebhookNotFound(webhookId);
    }

    private static async Task<Results<Ok<FilterJson>, ValidationProblem, NotFoundProblem, TooLargeProblem, UnsupportedMediaTypeProblem>> Put(
        string id, HttpRequest request, ClaimsPrincipal user, CompanyIdentity identity, PayloadFilterService filters, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        var body = await ApiProblems.ReadJsonAsync<FilterRequest>(request, ApiProblems.WebhookBodyLimit, cancellationToken);
        if (body.NotJson is { } notJson)
            return notJson;
        if (body.TooLarge is { } tooLarge)
            return tooLarge;
        if (body.Invalid is { } badBody)
            return badBody;
        var company = identity.CompanyOf(user);
        if (body.Value!.Filter is not { ValueKind: not System.Text.Json.JsonValueKind.Null } filter)
            return await filters.RemoveAsync(company, webhookId, cancellationToken) ? TypedResults.Ok(FilterJson.From(null)) : ApiProblems.WebhookNotFound(webhookId);
        return await filters.SaveAsync(company, webhookId, filter, cancellationToken) switch
        {
            FilterOutcome.Saved saved => TypedResults.Ok(FilterJson.From(saved.Filter)),
            FilterOutcome.Invalid invalid => Problem(invalid.Errors),
            _ => ApiProblems.WebhookNotFound(webhookId),
        };
    }

    private static async Task<Results<NoContent, ValidationProblem, NotFoundProblem>> Delete(
        string id, ClaimsPrincipal user, CompanyIdentity identity, PayloadFilterService filters, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        return await filters.RemoveAsync(identity.CompanyOf(user), webhookId, cancellationToken) ? TypedResults.NoContent() : ApiProblems.WebhookNotFound(webhookId);
    }

    private static async Task<Results<Ok<FilterTestJson>, ValidationProblem, NotFoundProblem, TooLargeProblem, UnsupportedMediaTypeProblem>> Test(
        string id, HttpRequest request, ClaimsPrincipal user, CompanyIdentity identity, PayloadFilterService filters, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        var company = identity.CompanyOf(user);
        IReadOnlyList<FilterTestRow>? rows;
        // No body (or no filter in it) tries the stored filter: "what would my filter have done?"
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.HasJsonContentType()))
            rows = await filters.TestStoredAsync(company, webhookId, cancellationToken);
        else
        {
            var body = await ApiProblems.ReadJsonAsync<FilterRequest>(request, ApiProblems.WebhookBodyLimit, cancellationToken);
            if (body.NotJson is { } notJson)
                return notJson;
            if (body.TooLarge is { } tooLarge)
                return tooLarge;
            if (body.Invalid is { } badBody)
                return badBody;
            if (body.Value!.Filter is not { ValueKind: not System.Text.Json.JsonValueKind.Null } sent)
                rows = await filters.TestStoredAsync(company, webhookId, cancellationToken);
            else
            {
                var parse = PayloadFilterParser.Parse(sent);
                if (!parse.IsValid)
                    return Problem(parse.Errors);
                rows = await filters.TestAsync(company, webhookId, parse.Filter, cancellationToken);
            }
        }
        if (rows is null)
            return ApiProblems.WebhookNotFound(webhookId);
        var sends = rows.Count(r => r.WouldSend);
        return TypedResults.Ok(new FilterTestJson(sends, rows.Count - sends, rows.Select(FilterTestEventJson.From).ToList()));
    }

    private static ValidationProblem Problem(IEnumerable<FilterError> errors) => TypedResults.ValidationProblem(
        errors.GroupBy(e => FieldOf(e.Location)).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
}
