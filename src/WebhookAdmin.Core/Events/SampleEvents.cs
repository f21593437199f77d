using System.Text.Json;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Events;

/// <summary>
/// The settings panel's test event: shaped like the documented samples of the webhook's trigger, using the webhook's
/// own workflow, survey and group so a receiver's routing can be checked too. <c>extraData.test</c> marks it.
/// </summary>
public static class SampleEvents
{
    /// <summary>
    /// No sample is larger (they are under 2 KiB): a bigger body is never a test event, so lists need not read it to tell.
    /// </summary>
    public const int MaxBytes = 16 * 1024;

    public static CotEvent For(Webhook webhook, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var stamp = now.UtcDateTime.ToString(CotEventJson.TimestampFormat, System.Globalization.CultureInfo.InvariantCulture);
        var (type, name, data) = webhook.Trigger switch
        {
            WebhookTrigger.Task => (CotEventTypes.Task, CotEventNames.Create, (object)new
            {
                _id = ObjectId.NewId(clock), name = "Equipment sector 1 - Equipment 1-A", taskGroup = webhook.Context.TaskGroup,
                company = webhook.CompanyId, isActive = true, status = ObjectId.NewId(clock), serial = 1, createdAt = stamp, modifiedAt = stamp,
            }),
            WebhookTrigger.Survey => (CotEventTypes.SurveyExecution, CotEventNames.Create, new
            {
                _id = ObjectId.NewId(clock), survey = webhook.Context.Survey, group = webhook.Context.Group,
                company = webhook.CompanyId, answers = new[] { ObjectId.NewId(clock) }, createdAt = stamp,
            }),
            WebhookTrigger.Property => (CotEventTypes.Property, CotEventNames.Edit, new
            {
                _id = ObjectId.NewId(clock), name = new { display = "Equipment 1-A", code = "equipment_1_a" }, company = webhook.CompanyId, modifiedAt = stamp,
            }),
            WebhookTrigger.Note => (CotEventTypes.Note, CotEventNames.Create, new
            {
                _id = ObjectId.NewId(clock), content = "Test note from WebhookAdmin", company = webhook.CompanyId, createdAt = stamp,
            }),
            WebhookTrigger.LogoutUser => (CotEventTypes.User, CotEventNames.Logout, new { _id = ObjectId.NewId(clock), company = webhook.CompanyId }),
            // A user edit carries only the edited fields, as the documentation's user log sample shows.
            _ => (CotEventTypes.User, CotEventNames.Edit, new
            {
                _id = ObjectId.NewId(clock), name = new { names = "Test", lastName = "User", displayName = "Test User" }, avatar = new { original = "", small = "" },
            }),
        };
        return new CotEvent(type, name, JsonSerializer.SerializeToElement(data),
            JsonSerializer.SerializeToElement(new { test = true, sentBy = "WebhookAdmin" }), now);
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
