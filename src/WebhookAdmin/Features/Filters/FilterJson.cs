using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Filters;

namespace WebhookAdmin.Features.Filters;

/// <summary>A webhook's payload filter as the API shows it (and takes it back in a PUT); <c>filter</c> is null when there is none.</summary>
public sealed record FilterJson(FilterNodeJson? Filter)
{
    public static FilterJson From(PayloadFilter? filter) => new(filter is null ? null : FilterNodeJson.From(filter));
}

/// <summary>
/// One node of a filter: a condition (<c>path</c>, <c>op</c>, <c>value</c>), or exactly one of <c>and</c>, <c>or</c>,
/// <c>not</c> around other nodes. Fields a node does not use are left out.
/// </summary>
public sealed record FilterNodeJson(
    [property: Description(FilterNodeJson.PathDescription), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Path = null,
    [property: Description(FilterNodeJson.OpDescription), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Op = null,
    [property: Description(FilterNodeJson.ValueDescription), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Value = null,
    [property: Description("Every node must match."), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FilterNodeJson>? And = null,
    [property: Description("At least one node must match."), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FilterNodeJson>? Or = null,
    [property: Description("The node must not match."), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FilterNodeJson? Not = null)
{
    public const string PathDescription =
        "type, event, data, or data followed by field names (and array positions) separated by dots: data.status, data.name.display, data.answers.0.";

    public const string OpDescription = "eq, ne, in, gt, gte, lt, lte, exists, startsWith or contains.";

    public const string ValueDescription =
        "A string, number, true, false or null; for in, a list of them; for exists, true or false (left out: true). Strings compare by their exact characters.";

    public static FilterNodeJson From(PayloadFilter filter) => filter switch
    {
        AllOfFilter all => new(And: all.Parts.Select(From).ToList()),
        AnyOfFilter any => new(Or: any.Parts.Select(From).ToList()),
        NotFilter not => new(Not: From(not.Inner)),
        ConditionFilter condition => new(condition.Path, OperatorNames.Of(condition.Operator), condition.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(filter)),
    };
}

/// <summary>
/// PUT and test bodies as read: the filter stays JSON so every broken rule is reported where it is
/// (<c>filter.and[1].op</c>), which binding to <see cref="FilterNodeJson"/> would stop at the first.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record FilterRequest(JsonElement? Filter);

/// <summary>The webhook's last logged events, each as the filter would treat it.</summary>
public sealed record FilterTestJson(
    [property: Description("How many of the events the filter lets through.")] int Sends,
    [property: Description("How many it skips: events like these would create no delivery and no log.")] int Skips,
    IReadOnlyList<FilterTestEventJson> Events);

public sealed record FilterTestEventJson(
    [property: JsonPropertyName("_id"), Description("The log's id.")] string Id,
    [property: Description("The delivery's webhook-sequence.")] long Sequence,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTime CreatedAt,
    string Type,
    string Event,
    [property: Description("SUCCESS, FAILED or PENDING: what became of the delivery.")] string State,
    [property: Description("Whether the filter lets this event through.")] bool WouldSend)
{
    public static FilterTestEventJson From(FilterTestRow row) => new(
        row.LogId, row.Sequence, row.CreatedAt, row.Type, row.Event, Receivers.CatchUpPage.StateName(row.State), row.WouldSend);
}
