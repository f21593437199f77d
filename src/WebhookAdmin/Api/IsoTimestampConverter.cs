using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using WebhookAdmin.Core.Events;

namespace WebhookAdmin.Api;

/// <summary>Dates as the documents print them: <c>YYYY-MM-DDTHH:mm:ss.SSSZ</c>, always UTC, always milliseconds.</summary>
public sealed class IsoTimestampConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    public static string Format(DateTime value) =>
        CotEventJson.Timestamp(value.ToUniversalTime());
}
