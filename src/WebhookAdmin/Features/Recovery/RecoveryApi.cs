using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Recovery;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Recovery;

/// <summary>Bulk recovery: resend a webhook's failed deliveries since a time, as a background job that can be watched and cancelled.</summary>
public static class RecoveryApi
{
    public const string StartOperationId = "StartRecovery";

    /// <summary>A request body holds one date.</summary>
    private const int BodyLimit = 4 * 1024;

    public static RouteGroupBuilder MapRecoveryApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Bulk recovery");
        // The body is read by ApiProblems.ReadJsonAsync, so a bad field is named (ApiDocument documents it).
        api.MapPost("/subscription/{id}/recover", Start)
            .WithName(StartOperationId)
            .WithSummary("Starts resending the webhook's FAILED deliveries made since `since`, in their original order, in the background: the oldest 10,000 at most per job (Webhooks:Recovery:MaxDeliveries); deliveries that succeeded are never resent. 202 with the job and its Location; 409 while another job of the webhook runs or the webhook is deactivated.");
        api.MapGet("/subscription/{id}/recover/{jobId}", Get)
            .WithName("GetRecovery")
            .WithSummary("A bulk recovery job: its state and progress (requeued of total).");
        // A POST, not a DELETE: the job stays, readable, with its end (the API's deletes answer 204 and leave nothing).
        api.MapPost("/subscription/{id}/recover/{jobId}/cancel", Cancel)
            .WithName("CancelRecovery")
            .WithSummary("Cancels a running bulk recovery and answers the job: nothing more is requeued (deliveries already requeued still go). A finished job is answered as it is.");
        return api;
    }

    private static async Task<Results<Accepted<RecoveryJobJson>, ValidationProblem, NotFoundProblem, ConflictProblem, TooLargeProblem, UnsupportedMediaTypeProblem>> Start(
        string id, HttpRequest request, ClaimsPrincipal user, CompanyIdentity identity, RecoveryJobs jobs, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        var body = await ApiProblems.ReadJsonAsync<StartRecoveryRequest>(request, BodyLimit, cancellationToken);
        if (body.NotJson is { } notJson)
            return notJson;
        if (body.TooLarge is { } tooLarge)
            return tooLarge;
        if (body.Invalid is { } badBody)
            return badBody;
        if (jobs.ReadSince(body.Value!.Since, out var since) is { } badSince)
            return ApiProblems.Field("since", badSince);
        return await jobs.StartAsync(identity.CompanyOf(user), webhookId, since, cancellationToken) switch
        {
            RecoveryStart.Started started => TypedResults.Accepted(JobPath(request, webhookId, started.Job.Id), RecoveryJobJson.From(started.Job)),
            RecoveryStart.AlreadyRunning running => new ConflictProblem(ApiText.Localizer["RecoveryNotStartedTitle"], running.Reason,
                new Dictionary<string, object?> { ["current"] = RecoveryJobJson.From(running.Job) }),
            RecoveryStart.Refused refused => new ConflictProblem(ApiText.Localizer["RecoveryNotStartedTitle"], refused.Reason),
            _ => ApiProblems.WebhookNotFound(webhookId),
        };
    }

    private static async Task<Results<Ok<RecoveryJobJson>, ValidationProblem, NotFoundProblem>> Get(
        string id, string jobId, ClaimsPrincipal user, CompanyIdentity identity, RecoveryJobs jobs, CancellationToken cancellationToken) =>
        await AnswerAsync(id, jobId, (webhookId, job) => jobs.GetAsync(identity.CompanyOf(user), webhookId, job, cancellationToken));

    private static async Task<Results<Ok<RecoveryJobJson>, ValidationProblem, NotFoundProblem>> Cancel(
        string id, string jobId, ClaimsPrincipal user, CompanyIdentity identity, RecoveryJobs jobs, CancellationToken cancellationToken) =>
        await AnswerAsync(id, jobId, (webhookId, job) => jobs.CancelAsync(identity.CompanyOf(user), webhookId, job, cancellationToken));

    /// <summary>The job <paramref name="find"/> gives for the route's ids, or the problem naming the id that will not do.</summary>
    private static async Task<Results<Ok<RecoveryJobJson>, ValidationProblem, NotFoundProblem>> AnswerAsync(
        string id, string jobId, Func<string, string, Task<RecoveryJob?>> find)
    {
        if (!ApiProblems.TryReadId(id, out var webhookId, out var badId))
            return badId!;
        if (!Core.ObjectId.IsValid(jobId))
            return ApiProblems.Field("jobId", ApiText.Localizer["IdMalformed"]);
        return await find(webhookId, Core.ObjectId.Normalize(jobId)) is { } job
            ? TypedResults.Ok(RecoveryJobJson.From(job))
            : ApiProblems.RecoveryJobNotFound(Core.ObjectId.Normalize(jobId));
    }

    private static string JobPath(HttpRequest request, string webhookId, string jobId) =>
        $"{request.PathBase}/api/v3/webhook/subscription/{webhookId}/recover/{jobId}";
}
