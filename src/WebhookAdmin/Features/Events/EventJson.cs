using System.Text.Json;
using System.Text.Json.Serialization;
using WebhookAdmin.Core.Events;

namespace WebhookAdmin.Features.Events;

/// <summary>The COTEvent a platform posts. Unknown fields are refused, so a misspelt <c>extraData</c> is caught.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PublishEventRequest(
    string? Type,
    string? Event,
    JsonElement? Data,
    JsonElement? ExtraData,
    DateTimeOffset? CreatedAt,
    string? Id)
{
    public CotEvent ToEvent() => new(Type, Event, Data, ExtraData, CreatedAt, Id);
}

/// <summary>The 202 answer: the event's id (the same for a repeated caller id) and how many webhooks it goes to.</summary>
public sealed record PublishedEventJson(string Id, int Deliveries);
