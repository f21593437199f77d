using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Receivers;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Receivers;

/// <summary>
/// <c>GET subscription/{id}/deliveries?after=&amp;limit=</c>: a webhook's deliveries after a <c>webhook-sequence</c>, for
/// a receiver that missed some. Callable with the company's platform token or with the webhook's receiver key.
/// </summary>
public static class CatchUpApi
{
    public const string OperationId = "ListDeliveriesAfter";

    public static RouteGroupBuilder MapCatchUpApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Receivers", AdminPolicies.ApiAdminOrReceiver);
        api.MapGet("/subscription/{id}/deliveries", List)
            .WithName(OperationId)
            .WithSummary("The webhook's deliveries after ?after= (a webhook-sequence, 0 for the first), in sequence order, each with its headers signed now and its body exactly as sent; "
                + "?limit= 1–1000, default 100. With the platform token or the webhook's receiver key (whrk_…). 410 when retention no longer holds the next one, with oldestSequence.");
        return api;
    }

    private static async Task<Results<CatchUpPage, ValidationProblem, NotFoundProblem, GoneProblem>> List(
        string id, string? after, string? limit, ClaimsPrincipal user, CompanyIdentity identity, DeliveryCatchUp catchUp, WebhookDirectory directory,
        IDbContextFactory<WebhookAdminDbContext> dbFactory, IOptions<JsonOptions> json, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        var errors = new Dictionary<string, string[]>();
        long afterSequence = 0;
        var size = DeliveryCatchUp.DefaultLimit;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterSequence)))
            errors["after"] = [ReceiversText.Localizer["AfterInvalid"]];
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > DeliveryCatchUp.MaxLimit))
            errors["limit"] = [ApiText.Localizer["LimitInvalid", DeliveryCatchUp.MaxLimit]];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        // A receiver key reads its own webhook only; another webhook's id is answered as one that does not exist.
        if (ReceiverKeyAuthentication.WebhookOf(user) is { } keyWebhook && keyWebhook != webhookId)
            return ApiProblems.WebhookNotFound(webhookId);

        switch (await catchUp.ReadAsync(identity.CompanyOf(user), webhookId, afterSequence, size, cancellationToken))
        {
            case CatchUpResult.Page page:
                var now = clock.GetUtcNow();
                var target = await directory.TargetAsync(webhookId, cancellationToken);
                if (target is null)
                    return ApiProblems.WebhookNotFound(webhookId);
                return new CatchUpPage(page, target.SigningKeys(now.UtcDateTime), now, await EventBodyReader.OpenAsync(dbFactory, cancellationToken),
                    json.Value.SerializerOptions.Encoder);
            case CatchUpResult.Gone gone:
                return new GoneProblem(ReceiversText.Localizer["GoneTitle"], ReceiversText.Localizer["GoneDetail", afterSequence + 1, gone.OldestSequence],
                    new Dictionary<string, object?> { ["oldestSequence"] = gone.OldestSequence });
            case CatchUpResult.Ahead ahead:
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["after"] = [ReceiversText.Localizer["AfterAhead", ahead.LastSequence]] });
            default:
                return ApiProblems.WebhookNotFound(webhookId);
        }
    }
}
