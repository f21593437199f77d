using System.Text.Json;

namespace WebhookAdmin.Core.Events;

/// <summary>The field rules of a published COTEvent, keyed by the field's JSON name like the webhook rules (and, like them, in the caller's language).</summary>
public static class EventRules
{
    private static readonly Microsoft.Extensions.Localization.IStringLocalizer T = EventText.Localizer;

    public const int CallerIdMaxLength = 128;

    public static IReadOnlyDictionary<string, string[]> Check(CotEvent cotEvent)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(cotEvent.Type))
            errors["type"] = [T["TypeRequired"]];
        else if (StoredText.HasForbiddenCharacters(cotEvent.Type))
            errors["type"] = [T["TypeControlCharacters"]];
        else if (cotEvent.Type == Notices.NoticeKinds.Type)
            errors["type"] = [T["TypeReserved"]];
        else if (!CotEventTypes.All.Contains(cotEvent.Type))
            errors["type"] = [T["TypeUnknown", string.Join(", ", CotEventTypes.All)]];

        if (string.IsNullOrEmpty(cotEvent.Event))
            errors["event"] = [T["EventRequired"]];
        else if (StoredText.HasForbiddenCharacters(cotEvent.Event))
            errors["event"] = [T["EventControlCharacters"]];
        else if (!CotEventNames.All.Contains(cotEvent.Event))
            errors["event"] = [T["EventUnknown", string.Join(", ", CotEventNames.All)]];
        else if (cotEvent.Event == CotEventNames.Logout && cotEvent.Type is not null && cotEvent.Type != CotEventTypes.User)
            errors["event"] = [T["LogoutOnlyForUsers"]];

        if (cotEvent.Data is not { ValueKind: JsonValueKind.Object })
            errors["data"] = [T["DataNotObject"]];

        if (cotEvent.Id is not null && (cotEvent.Id.Trim().Length == 0 || cotEvent.Id.Length > CallerIdMaxLength))
            errors["id"] = [T["IdLength", CallerIdMaxLength]];
        // The id is stored as text (the caller's key for repeats): a NUL there is refused by PostgreSQL, and no
        // platform's key needs a control character. The event's data may hold "\u0000": it is stored as sent (bytes).
        else if (StoredText.HasForbiddenCharacters(cotEvent.Id))
            errors["id"] = [T["IdControlCharacters"]];
        return errors;
    }
}
