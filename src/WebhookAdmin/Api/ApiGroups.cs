using WebhookAdmin.Identity;

namespace WebhookAdmin.Api;

public static class ApiGroups
{
    /// <summary>
    /// The base path and policy every <c>/api/v3/webhook</c> endpoint shares, in one place so no feature can map an
    /// endpoint that forgets the Bearer-token admin check. A database that is down, restarting, locked or full is a 503
    /// with <c>Retry-After</c> on every endpoint, never a 500.
    /// </summary>
    /// <param name="policy">Who may call: an admin's token (<see cref="AdminPolicies.ApiAdmin"/>) unless the endpoints say otherwise.</param>
    public static RouteGroupBuilder MapWebhookApiGroup(this IEndpointRouteBuilder endpoints, string tag, string policy = AdminPolicies.ApiAdmin)
    {
        var group = endpoints.MapGroup("/api/v3/webhook")
            .RequireAuthorization(policy)
            .RequireRateLimiting(Hosting.Operations.ApiRateLimitPolicy)
            .WithTags(tag);
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception e) when (Core.Storage.StorageErrors.IsUnavailable(e) && !context.HttpContext.RequestAborted.IsCancellationRequested)
            {
                return ApiProblems.StorageUnavailable(context.HttpContext.Response);
            }
        });
        return group;
    }
}
