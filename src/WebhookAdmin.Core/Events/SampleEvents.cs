using System.Text.Json;
using System.Text.Json.Nodes;
using WebhookAdmin.Core.Events.Catalogue;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Events;

/// <summary>
/// The settings panel's test event: the event catalogue's example of the webhook's trigger, with the webhook's own
/// company, workflow, survey and group so a receiver's routing can be checked too, a fresh <c>_id</c> and fresh times.
/// <c>extraData.test</c> marks it.
/// </summary>
public static class SampleEvents
{
    /// <summary>
    /// No sample is larger (they are under 3 KiB): a bigger body is never a test event, so lists need not read it to tell.
    /// </summary>
    public const int MaxBytes = 16 * 1024;

    public static CotEvent For(Webhook webhook, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var example = ExampleOf(webhook.Trigger);
        var data = JsonNode.Parse(example.Example.GetProperty("data").GetRawText())!.AsObject();
        // Times of the record itself (createdAt, modifiedAt, lastLogoutAt...) become now; dates a person chose (a task's
        // startDate) and the null of an open task's closedAt stay as the example has them.
        if (webhook.Trigger == WebhookTrigger.Operations)
        {
            AboutItself(data, webhook, example.Example.GetProperty("createdAt").GetDateTime(), now.UtcDateTime);
        }
        else
        {
            var stamp = CotEventJson.Timestamp(now.UtcDateTime);
            foreach (var name in data.Where(f => f.Key.EndsWith("At", StringComparison.Ordinal) && f.Value?.GetValueKind() == JsonValueKind.String).Select(f => f.Key).ToList())
                data[name] = stamp;
        }
        Stamp(data, "_id", ObjectId.NewId(clock));
        Stamp(data, "company", webhook.CompanyId);
        switch (WebhookTrigger.Find(webhook.Trigger)?.Context)
        {
            case TriggerContext.Workflow:
                data["taskGroup"] = webhook.Context.TaskGroup;
                break;
            case TriggerContext.SurveyAndGroup:
                data["survey"] = webhook.Context.Survey;
                data["group"] = webhook.Context.Group;
                break;
        }
        return new CotEvent(example.Type, example.Event, JsonSerializer.SerializeToElement(data),
            JsonSerializer.SerializeToElement(new { test = true, sentBy = "WebhookAdmin" }), now);
    }

    /// <summary>
    /// The trigger's first example (create, or logout), except for users: an edit, like the documented user log sample.
    /// An unknown trigger gets the user's, as it always did.
    /// </summary>
    private static EventCatalogueEntry ExampleOf(string trigger) =>
        EventCatalogue.For(trigger) switch
        {
            [] => EventCatalogue.Find(WebhookTrigger.User, CotEventNames.Edit)!,
            var entries when trigger == WebhookTrigger.User => entries.Single(e => e.Event == CotEventNames.Edit),
            var entries => entries[0],
        };

    /// <summary>
    /// An operations webhook's test event is about that webhook, and its times keep their spacing (failing since five
    /// days before the deactivation, say) with the example's moment moved to now.
    /// </summary>
    private static void AboutItself(JsonObject data, Webhook webhook, DateTime exampleAt, DateTime now)
    {
        data["webhook"] = new JsonObject
        {
            ["_id"] = webhook.Id, ["name"] = webhook.Name, ["code"] = webhook.Code, ["url"] = webhook.Url, ["trigger"] = webhook.Trigger,
        };
        var shift = now - exampleAt.ToUniversalTime();
        foreach (var (name, value) in data.ToList())
        {
            if (value?.GetValueKind() == JsonValueKind.String && DateTime.TryParseExact(value.GetValue<string>(), CotEventJson.TimestampFormat,
                    System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                data[name] = CotEventJson.Timestamp(at + shift);
        }
    }

    /// <summary>Only fields the example has: a user edit carries no company, as the documented sample shows.</summary>
    private static void Stamp(JsonObject data, string name, string value)
    {
        if (data.ContainsKey(name))
            data[name] = value;
    }

    /// <summary>Whether a COTEvent's JSON is marked as a test (<c>extraData.test</c> is <c>true</c>), as the samples above are.</summary>
    public static bool IsTest(string? eventJson) =>
        !string.IsNullOrEmpty(eventJson) && IsTest(System.Text.Encoding.UTF8.GetBytes(eventJson));

    /// <summary>The same for a stored body (UTF-8); most bodies are told apart without parsing.</summary>
    public static bool IsTest(byte[]? body)
    {
        if (body is null || body.AsSpan().IndexOf("\"test\""u8) < 0)
            return false;
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("extraData", out var extra)
                && extra.ValueKind == JsonValueKind.Object
                && extra.TryGetProperty("test", out var test)
                && test.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
