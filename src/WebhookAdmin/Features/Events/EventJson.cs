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

/// <summary>The answer to a batch: one item per event, in the order sent; <c>errors</c> says whether any was refused.</summary>
public sealed record PublishBatchJson(bool Errors, IReadOnlyList<BatchItemJson> Items);

/// <summary>
/// One event of a batch: <c>accepted</c> (stored, with its id and delivery count), <c>repeated</c> (its id was seen
/// before: the first answer again, nothing new stored) or <c>invalid</c> (with the field errors; nothing stored).
/// </summary>
public sealed record BatchItemJson(
    string Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Deliveries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors)
{
    public const string AcceptedResult = "accepted";
    public const string RepeatedResult = "repeated";
    public const string InvalidResult = "invalid";

    public static BatchItemJson From(PublishOutcome.Accepted accepted) =>
        new(accepted.Repeated ? RepeatedResult : AcceptedResult, accepted.EventId, accepted.Deliveries, null);

    public static BatchItemJson Invalid(IReadOnlyDictionary<string, string[]> errors) => new(InvalidResult, null, null, errors);
}
