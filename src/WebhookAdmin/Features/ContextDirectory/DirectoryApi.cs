using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookAdmin.Api;
using WebhookAdmin.Core.ContextDirectory;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.ContextDirectory;

/// <summary>
/// <c>/api/v3/webhook/directory/{kind}</c>: the host platform tells WebhookAdmin the names of its workflows, surveys and
/// groups, so the settings panel's pickers can show them. Same group as every webhook endpoint: Bearer admin, the
/// company from the token, the company's rate limit.
/// </summary>
public static class DirectoryApi
{
    public static RouteGroupBuilder MapDirectoryApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Directory");
        // The body is read by ApiProblems.ReadJsonAsync, as for the subscription endpoints (ApiDocument documents it).
        api.MapPut("/directory/{kind}/{id}", Put)
            .WithName("PutDirectoryEntry")
            .WithSummary("Create or rename the name of a workflow, survey or group (kind: workflow, survey, group; id: its ObjectId). 201 when created, 200 when renamed.");
        api.MapDelete("/directory/{kind}/{id}", Delete)
            .WithName("DeleteDirectoryEntry")
            .WithSummary("Forget a name. Webhooks using the id keep it; the pickers then show the id alone.");
        api.MapGet("/directory/{kind}", Search)
            .WithName("SearchDirectory")
            .WithSummary($"Entries whose name contains ?search= (any case) or whose id starts with it, ordered by name; ?page=1&limit={DirectoryService.DefaultLimit}, limit at most {DirectoryService.MaxLimit}.");
        return api;
    }

    private static async Task<Results<Ok<DirectoryEntryJson>, Created<DirectoryEntryJson>, ValidationProblem, TooLargeProblem, UnsupportedMediaTypeProblem>> Put(
        string kind, string id, HttpRequest request, ClaimsPrincipal user, CompanyIdentity identity, DirectoryService directory, CancellationToken cancellationToken)
    {
        if (ReadKindAndId(kind, id, out var field) is { } badInput)
            return badInput;
        var body = await ApiProblems.ReadJsonAsync<PutDirectoryEntryRequest>(request, ApiProblems.DirectoryBodyLimit, cancellationToken);
        if (body.NotJson is { } notJson)
            return notJson;
        if (body.TooLarge is { } tooLarge)
            return tooLarge;
        if (body.Invalid is { } badBody)
            return badBody;
        return await directory.PutAsync(identity.CompanyOf(user), field, id, body.Value!.Name, cancellationToken) switch
        {
            DirectoryOutcome.Saved { Created: true, Entry: var entry } =>
                TypedResults.Created($"/api/v3/webhook/directory/{kind}/{entry.Id}", DirectoryEntryJson.From(entry)),
            DirectoryOutcome.Saved { Entry: var entry } => TypedResults.Ok(DirectoryEntryJson.From(entry)),
            DirectoryOutcome.Invalid invalid => ApiProblems.Field("name", invalid.Message),
            var other => throw new InvalidOperationException($"Unhandled outcome {other}."),
        };
    }

    private static async Task<Results<NoContent, ValidationProblem, NotFoundProblem>> Delete(
        string kind, string id, ClaimsPrincipal user, CompanyIdentity identity, DirectoryService directory, CancellationToken cancellationToken)
    {
        if (ReadKindAndId(kind, id, out var field) is { } badInput)
            return badInput;
        var normalized = Core.ObjectId.Normalize(id);
        return await directory.DeleteAsync(identity.CompanyOf(user), field, normalized, cancellationToken)
            ? TypedResults.NoContent()
            : new NotFoundProblem(ApiText.Localizer["DirectoryEntryNotFoundTitle"], ApiText.Localizer["DirectoryEntryNotFoundDetail", kind, normalized]);
    }

    private static async Task<Results<Ok<DirectoryEntryJson[]>, ValidationProblem>> Search(
        string kind, string? search, string? page, string? limit, ClaimsPrincipal user, CompanyIdentity identity, DirectoryService directory,
        CancellationToken cancellationToken)
    {
        if (!DirectoryKinds.TryParse(kind, out var field))
            return KindUnknown();
        if (!Paging.TryRead(page, limit, DirectoryService.DefaultLimit, DirectoryService.MaxLimit, out var paging, out var badPaging))
            return badPaging!;
        // Names never hold one, and a NUL in a query parameter is refused by PostgreSQL (a 500, not an empty answer).
        if (Core.StoredText.HasForbiddenCharacters(search))
            return ApiProblems.Field("search", ApiText.Localizer["SearchControlCharacters"]);
        var entries = await directory.SearchAsync(identity.CompanyOf(user), field, search,
            skip: (int)Math.Min((long)(paging.Page - 1) * paging.Limit, int.MaxValue), take: paging.Limit, cancellationToken: cancellationToken);
        return TypedResults.Ok(entries.Select(DirectoryEntryJson.From).ToArray());
    }

    /// <summary>A problem naming <c>kind</c> or <c>id</c>, or null when both can be used.</summary>
    private static ValidationProblem? ReadKindAndId(string kind, string id, out ContextField field)
    {
        if (!DirectoryKinds.TryParse(kind, out field))
            return KindUnknown();
        return ApiProblems.TryReadId(id, out _, out var badId) ? null : badId;
    }

    private static ValidationProblem KindUnknown() => ApiProblems.Field("kind", ApiText.Localizer["DirectoryKindUnknown", DirectoryKinds.All]);
}
