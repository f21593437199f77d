using System.Text.Json;

namespace WebhookAdmin.Core.Events;

/// <summary>The field rules of a published COTEvent, keyed by the field's JSON name like the webhook rules.</summary>
public static class EventRules
{
    public const int CallerIdMaxLength = 128;

    public static IReadOnlyDictionary<string, string[]> Check(CotEvent cotEvent)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(cotEvent.Type))
            errors["type"] = ["Type is required."];
        else if (!CotEventTypes.All.Contains(cotEvent.Type))
            errors["type"] = [$"Type must be one of: {string.Join(", ", CotEventTypes.All)}."];

        if (string.IsNullOrEmpty(cotEvent.Event))
            errors["event"] = ["Event is required."];
        else if (!CotEventNames.All.Contains(cotEvent.Event))
            errors["event"] = [$"Event must be one of: {string.Join(", ", CotEventNames.All)}."];
        else if (cotEvent.Event == CotEventNames.Logout && cotEvent.Type is not null && cotEvent.Type != CotEventTypes.User)
            errors["event"] = ["Only COTUser events can be 'logout'."];

        if (cotEvent.Data is not { ValueKind: JsonValueKind.Object })
            errors["data"] = ["Data must be a JSON object: the record the event is about."];

        if (cotEvent.Id is not null && (cotEvent.Id.Trim().Length == 0 || cotEvent.Id.Length > CallerIdMaxLength))
            errors["id"] = [$"Id, when sent, must be 1 to {CallerIdMaxLength} characters."];
        return errors;
    }
}
