using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Receivers;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Receivers;

/// <summary>A webhook's receiver key: made (shown once), rotated, looked at (its hint only) and revoked by an admin.</summary>
public static class ReceiverKeyApi
{
    public static RouteGroupBuilder MapReceiverKeyApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Receivers");
        api.MapGet("/subscription/{id}/receiver-key", Get)
            .WithName("GetReceiverKey").WithSummary("The webhook's receiver key as shown: its last characters and dates, never the key. 404 when it has none.");
        api.MapPost("/subscription/{id}/receiver-key", Create)
            .WithName("CreateReceiverKey").WithSummary("A new receiver key (whrk_…), shown in this answer only: read-only access to this webhook's deliveries (the catch-up API). A key already there keeps working for 24 hours.");
        api.MapDelete("/subscription/{id}/receiver-key", Revoke)
            .WithName("RevokeReceiverKey").WithSummary("Revokes the webhook's receiver keys (the previous one too) at once.");
        return api;
    }

    private static async Task<Results<Ok<ReceiverKeyJson>, ValidationProblem, NotFoundProblem>> Get(
        string id, ClaimsPrincipal user, CompanyIdentity identity, ReceiverKeys keys, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        return await keys.GetAsync(identity.CompanyOf(user), webhookId, cancellationToken) is { } info
            ? TypedResults.Ok(ReceiverKeyJson.From(info, key: null))
            : NoKey(webhookId);
    }

    private static async Task<Results<Created<ReceiverKeyJson>, ValidationProblem, NotFoundProblem>> Create(
        string id, ClaimsPrincipal user, CompanyIdentity identity, ReceiverKeys keys, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        return await keys.CreateAsync(identity.CompanyOf(user), webhookId, cancellationToken) is { } made
            ? TypedResults.Created($"/api/v3/webhook/subscription/{webhookId}/receiver-key", ReceiverKeyJson.From(made.Info, made.Key))
            : ApiProblems.WebhookNotFound(webhookId);
    }

    private static async Task<Results<NoContent, ValidationProblem, NotFoundProblem>> Revoke(
        string id, ClaimsPrincipal user, CompanyIdentity identity, ReceiverKeys keys, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        return await keys.RevokeAsync(identity.CompanyOf(user), webhookId, cancellationToken) ? TypedResults.NoContent() : NoKey(webhookId);
    }

    private static NotFoundProblem NoKey(string webhookId) => new(ReceiversText.Localizer["NoKeyTitle"], ReceiversText.Localizer["NoKeyDetail", webhookId]);
}

/// <param name="Key">The whole key: only in the answer that made it.</param>
public sealed record ReceiverKeyJson(
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Key,
    string Hint,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(IsoTimestampConverter))] DateTime CreatedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] DateTime? PreviousExpiresAt)
{
    public static ReceiverKeyJson From(ReceiverKeyInfo info, string? key) => new(key, info.Hint, info.CreatedAt, info.PreviousExpiresAt);
}
