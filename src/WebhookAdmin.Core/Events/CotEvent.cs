using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WebhookAdmin.Core.Events;

/// <summary>
/// What a platform publishes (the documented COTEvent). <paramref name="Data"/> is the changed record;
/// <paramref name="Id"/> is the caller's optional idempotency key; a missing <paramref name="CreatedAt"/> means "now".
/// </summary>
public sealed record CotEvent(
    string? Type,
    string? Event,
    JsonElement? Data,
    JsonElement? ExtraData = null,
    DateTimeOffset? CreatedAt = null,
    string? Id = null);

public static class CotEventTypes
{
    public const string User = "COTUser";
    public const string Task = "COTTask";
    public const string SurveyExecution = "COTSurveyExecution";
    public const string Property = "COTProperty";
    public const string Note = "COTNote";

    public static IReadOnlyList<string> All { get; } = [User, Task, SurveyExecution, Property, Note];
}

public static class CotEventNames
{
    public const string Create = "create";
    public const string Edit = "edit";
    public const string Delete = "delete";
    public const string Logout = "logout";

    public static IReadOnlyList<string> All { get; } = [Create, Edit, Delete, Logout];
}

/// <summary>The body every matched webhook receives, in the field order of the documented COTWebhookLog <c>event</c>.</summary>
public static class CotEventJson
{
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>A UTC time as every body and answer writes it (<see cref="TimestampFormat"/>).</summary>
    public static string Timestamp(DateTime utc) => utc.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static string Write(string companyId, CotEvent cotEvent, DateTime createdAt) =>
        Encoding.UTF8.GetString(WriteUtf8(companyId, cotEvent, createdAt));

    /// <summary>The body as UTF-8 bytes: what is stored once per event, signed and sent.</summary>
    public static byte[] WriteUtf8(string companyId, CotEvent cotEvent, DateTime createdAt)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("company", companyId);
            json.WriteString("type", cotEvent.Type);
            json.WritePropertyName("extraData");
            WriteOrNull(json, cotEvent.ExtraData);
            json.WriteString("createdAt", Timestamp(createdAt));
            json.WritePropertyName("data");
            WriteOrNull(json, cotEvent.Data);
            json.WriteString("event", cotEvent.Event);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteOrNull(Utf8JsonWriter json, JsonElement? value)
    {
        if (value is { ValueKind: not JsonValueKind.Undefined } element)
            element.WriteTo(json);
        else
            json.WriteNullValue();
    }
}
