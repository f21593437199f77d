using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookAdmin.Api;
using WebhookAdmin.Core.EndpointAuth;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.EndpointAuth;

/// <summary>How a webhook's deliveries authenticate to its receiver: custom headers, Basic, Bearer or OAuth2 client credentials.</summary>
public static class EndpointAuthApi
{
    public const string PutOperationId = "PutEndpointAuthentication";

    public static RouteGroupBuilder MapEndpointAuthApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Endpoint authentication");
        api.MapGet("/subscription/{id}/authentication", Get)
            .WithName("GetEndpointAuthentication")
            .WithSummary("How deliveries authenticate to the receiver: kind, custom headers and settings, every secret masked.");
        // The body is read by ApiProblems.ReadJsonAsync, so a bad field is named (ApiDocument documents it).
        api.MapPut("/subscription/{id}/authentication", Put)
            .WithName(PutOperationId)
            .WithSummary("Replaces the whole configuration; a secret left out (or null) keeps the stored one. Header values and secrets are stored encrypted and never shown back in full.");
        api.MapDelete("/subscription/{id}/authentication", Delete)
            .WithName("DeleteEndpointAuthentication")
            .WithSummary("Removes every custom header and the authentication: deliveries carry the signature only.");
        return api;
    }

    private static async Task<Results<Ok<EndpointAuthJson>, ValidationProblem, NotFoundProblem>> Get(
        string id, ClaimsPrincipal user, CompanyIdentity identity, EndpointAuthService auth, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        return await auth.GetAsync(identity.CompanyOf(user), webhookId, cancellationToken) is { } view
            ? TypedResults.Ok(EndpointAuthJson.From(view))
            : ApiProblems.WebhookNotFound(webhookId);
    }

    private static async Task<Results<Ok<EndpointAuthJson>, ValidationProblem, NotFoundProblem, TooLargeProblem, UnsupportedMediaTypeProblem>> Put(
        string id, HttpRequest request, ClaimsPrincipal user, CompanyIdentity identity, EndpointAuthService auth, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        var body = await ApiProblems.ReadJsonAsync<PutEndpointAuthRequest>(request, ApiProblems.WebhookBodyLimit, cancellationToken);
        if (body.NotJson is { } notJson)
            return notJson;
        if (body.TooLarge is { } tooLarge)
            return tooLarge;
        if (body.Invalid is { } badBody)
            return badBody;
        var put = body.Value!;
        if (!Enum.TryParse<EndpointAuthKind>(put.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(put.Kind, out _))
            return ApiProblems.Field(EndpointAuthFields.Kind, EndpointAuthText.Localizer["KindInvalid"]);
        var settings = new EndpointAuthSettings(kind, put.Username, put.Password, put.Token, put.TokenUrl, put.ClientId, put.ClientSecret, put.Scope,
            put.Headers?.Select(h => new HeaderSetting(h.Name ?? "", h.Value)).ToList());
        return await auth.SaveAsync(identity.CompanyOf(user), webhookId, settings, cancellationToken) switch
        {
            EndpointAuthOutcome.Saved saved => TypedResults.Ok(EndpointAuthJson.From(saved.View)),
            EndpointAuthOutcome.Invalid invalid => TypedResults.ValidationProblem(
                invalid.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray())),
            _ => ApiProblems.WebhookNotFound(webhookId),
        };
    }

    private static async Task<Results<NoContent, ValidationProblem, NotFoundProblem>> Delete(
        string id, ClaimsPrincipal user, CompanyIdentity identity, EndpointAuthService auth, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        return await auth.RemoveAsync(identity.CompanyOf(user), webhookId, cancellationToken) ? TypedResults.NoContent() : ApiProblems.WebhookNotFound(webhookId);
    }
}
