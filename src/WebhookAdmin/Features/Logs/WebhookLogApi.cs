using System.Security.Claims;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Logs;

public static class WebhookLogApi
{
    public static RouteGroupBuilder MapWebhookLogApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Webhook logs");
        api.MapGet("/subscription/logs/{id}", List)
            .WithName("ListWebhookLogs")
            .WithSummary("A webhook's delivery logs (COTWebhookLog[]), newest first; ?page=1&limit=20, limit at most 100. A Link rel=\"next\" header says another page exists.");
        api.MapPost("/subscription/{id}/logs/{logId}/resend", Resend)
            .WithName("ResendDelivery")
            .WithSummary("One more attempt of a finished delivery, recorded on the same log (as the Logs tab's Resend). 409 while it is still in progress or the webhook is deactivated.");
        return api;
    }

    private static async Task<Results<Accepted<ResendJson>, ValidationProblem, NotFoundProblem, ConflictProblem>> Resend(
        string id, string logId, ClaimsPrincipal user, CompanyIdentity identity, DeliveryResender resender, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        if (!ObjectId.IsValid(logId))
            return ApiProblems.Field("logId", ApiText.Localizer["LogIdMalformed"]);
        return await resender.ResendAsync(identity.CompanyOf(user), logId, cancellationToken, webhookId) switch
        {
            ResendOutcome.Queued queued => TypedResults.Accepted((string?)null, new ResendJson(queued.Count)),
            ResendOutcome.Refused refused => new ConflictProblem(ApiText.Localizer["NotResentTitle"], refused.Reason),
            _ => ApiProblems.LogNotFound(ObjectId.Normalize(logId)),
        };
    }

    private static async Task<Results<WebhookLogPage, ValidationProblem, NotFoundProblem>> List(
        string id, string? page, string? limit, HttpContext http, ClaimsPrincipal user, CompanyIdentity identity, WebhookLogQueries logs,
        IDbContextFactory<WebhookAdminDbContext> dbFactory, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        if (!Paging.TryRead(page, limit, WebhookLogQueries.DefaultLimit, WebhookLogQueries.MaxLimit, out var paging, out var badPaging))
            return badPaging!;

        var result = await logs.ListEntriesAsync(identity.CompanyOf(user), webhookId, paging.Page, paging.Limit, cancellationToken);
        if (result is null)
            return ApiProblems.WebhookNotFound(webhookId);
        if (result.HasMore)
            http.Response.Headers.Link = $"<{NextPageUrl(http.Request, paging)}>; rel=\"next\"";
        return new WebhookLogPage(result.Items, await EventBodyReader.OpenAsync(dbFactory, cancellationToken), json.Value.SerializerOptions.Encoder);
    }

    private static string NextPageUrl(HttpRequest request, Paging paging)
    {
        var query = new QueryBuilder { { "page", (paging.Page + 1).ToString() }, { "limit", paging.Limit.ToString() } };
        return request.PathBase + request.Path + query.ToQueryString();
    }
}

/// <summary>The 202 answer to a resend: how many deliveries went back into the queue.</summary>
public sealed record ResendJson(int Queued);
