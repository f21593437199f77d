using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Webhooks;

/// <summary>The signing secret has its own endpoints so it never travels inside the COTWebhook shape.</summary>
public static class WebhookSecretApi
{
    public static RouteGroupBuilder MapWebhookSecretApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Webhook secrets");
        api.MapGet("/subscription/{id}/secret", Get)
            .WithName("GetWebhookSecret").WithSummary("The webhook's signing secret (whsec_…), for verifying webhook-signature.");
        api.MapPost("/subscription/{id}/secret/rotate", Rotate)
            .WithName("RotateWebhookSecret").WithSummary("A new signing secret; the old one keeps signing beside it for 24 hours.");
        return api;
    }

    private static Task<Results<Ok<WebhookSecretJson>, ValidationProblem, NotFoundProblem>> Get(
        string id, ClaimsPrincipal user, CompanyIdentity identity, WebhookSecrets secrets, CancellationToken cancellationToken) =>
        Answer(id, webhookId => secrets.GetAsync(identity.CompanyOf(user), webhookId, cancellationToken));

    private static Task<Results<Ok<WebhookSecretJson>, ValidationProblem, NotFoundProblem>> Rotate(
        string id, ClaimsPrincipal user, CompanyIdentity identity, WebhookSecrets secrets, CancellationToken cancellationToken) =>
        Answer(id, webhookId => secrets.RotateAsync(identity.CompanyOf(user), webhookId, cancellationToken));

    private static async Task<Results<Ok<WebhookSecretJson>, ValidationProblem, NotFoundProblem>> Answer(string id, Func<string, Task<string?>> secretOf)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        return await secretOf(webhookId) is { } secret ? TypedResults.Ok(new WebhookSecretJson(secret)) : ApiProblems.WebhookNotFound(webhookId);
    }
}

public sealed record WebhookSecretJson(string Secret);
