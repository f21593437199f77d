using System.Text.Json;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Events;

/// <summary>
/// Which webhooks an event triggers. The trigger picks by event type (<see cref="WebhookTrigger.EventType"/>), with
/// COTUser split in two: <c>logout</c> goes only to <c>logout-user</c>, create/edit/delete only to
/// <c>create-edit-delete-user</c>. Triggers with a context narrow further by fields of <c>data</c>:
/// tasks by <c>data.taskGroup</c> (the workflow), survey executions by <c>data.survey</c> and <c>data.group</c>; a
/// webhook's payload filter, last.
/// </summary>
public static class EventMatcher
{
    /// <summary>The trigger values an event of this type and name can match, before looking at contexts.</summary>
    public static IReadOnlyList<string> TriggersFor(string type, string eventName) =>
        WebhookTrigger.All
            .Where(t => t.EventType == type)
            .Where(t => type != CotEventTypes.User || (t.Value == WebhookTrigger.LogoutUser) == (eventName == CotEventNames.Logout))
            .Select(t => t.Value)
            .ToArray();

    /// <summary>
    /// The ids of the webhooks (the company's active ones) this event goes to: its trigger, then its context, then the
    /// webhook's payload filter. An event a filter skips gets no delivery, so no log.
    /// </summary>
    public static string[] Matching(IReadOnlyList<Webhook> webhooks, string type, string eventName, JsonElement data)
    {
        var triggers = TriggersFor(type, eventName);
        var subject = new Filters.FilterSubject(type, eventName, data);
        var matched = new List<string>();
        foreach (var webhook in webhooks)
        {
            if (triggers.Contains(webhook.Trigger) && ContextMatches(webhook, data) && webhook.PayloadFilter?.Matches(subject) != false)
                matched.Add(webhook.Id);
        }
        return [.. matched];
    }

    /// <summary>Whether <paramref name="webhook"/> (already of the right company, active and trigger) wants this event's data.</summary>
    public static bool ContextMatches(Webhook webhook, JsonElement data) => WebhookTrigger.Find(webhook.Trigger)?.Context switch
    {
        TriggerContext.Workflow => SameId(data, "taskGroup", webhook.Context.TaskGroup),
        TriggerContext.SurveyAndGroup => SameId(data, "survey", webhook.Context.Survey) && SameId(data, "group", webhook.Context.Group),
        _ => true,
    };

    /// <summary>Ids compare as stored ObjectIds (lowercase); a missing or non-string field matches nothing.</summary>
    private static bool SameId(JsonElement data, string field, string expected) =>
        data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty(field, out var value)
        && value.ValueKind == JsonValueKind.String
        && !string.IsNullOrEmpty(expected)
        && string.Equals(value.GetString()?.Trim(), expected, StringComparison.OrdinalIgnoreCase);
}
