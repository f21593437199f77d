using WebhookAdmin.Identity;

namespace WebhookAdmin.Api;

public static class ApiGroups
{
    /// <summary>
    /// The base path and policy every <c>/api/v3/webhook</c> endpoint shares, in one place so no feature can map an
    /// endpoint that forgets the Bearer-token admin check.
    /// </summary>
    public static RouteGroupBuilder MapWebhookApiGroup(this IEndpointRouteBuilder endpoints, string tag) =>
        endpoints.MapGroup("/api/v3/webhook")
            .RequireAuthorization(AdminPolicies.ApiAdmin)
            .RequireRateLimiting(Hosting.Operations.ApiRateLimitPolicy)
            .WithTags(tag);
}
