using System.Security.Claims;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Events;

/// <summary><c>POST /api/v3/webhook/events</c>: platforms in other processes publish COTEvents for the caller's company.</summary>
public static class EventApi
{
    public static RouteGroupBuilder MapEventApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapWebhookApiGroup("Events");
        api.MapPost("/events", Publish)
            .WithName("PublishEvent")
            .WithSummary("Publish one COTEvent; it is stored with its deliveries before the 202. A repeated id is accepted once: same answer, no new deliveries.");
        return api;
    }

    private static async Task<IResult> Publish(
        HttpRequest request, ClaimsPrincipal user, CompanyIdentity identity, IEventPublisher publisher, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiProblems.ReadJsonAsync<PublishEventRequest>(request, cancellationToken);
        if (problem is not null)
            return problem;
        return await publisher.PublishAsync(identity.CompanyOf(user), body!.ToEvent(), cancellationToken) switch
        {
            PublishOutcome.Accepted accepted => TypedResults.Accepted((string?)null, new PublishedEventJson(accepted.EventId, accepted.Deliveries)),
            PublishOutcome.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            var outcome => throw new InvalidOperationException($"Unhandled outcome {outcome}."),
        };
    }
}
