using System.ComponentModel.DataAnnotations;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace WebhookAdmin.Core.Events;

/// <summary>
/// <c>Webhooks:Events</c>: what a publish may cost — how large one event, and one publish request, may be, and how long
/// it waits for the database. Every event is stored and sent to every matching receiver, and a page of logs shows up to
/// 100 of them, so one careless company's 8 MiB events would cost every other company's storage, delivery slots and Logs tab.
/// </summary>
public sealed class EventOptions
{
    public const string SectionName = "Webhooks:Events";
    public const string MaxBytesKey = SectionName + ":MaxBytes";
    public const string MaxBatchBytesKey = SectionName + ":MaxBatchBytes";

    /// <summary>
    /// The longest a publish waits for the database to commit its events. Past it (the database is down, restarting,
    /// locked or full) the publisher is told to try again later (503 with <c>Retry-After</c>) instead of hanging: well
    /// within the 30 s after which most HTTP clients and load balancers give up on their own.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "StoreTimeout must be between 00:00:00.100 and 00:05:00.")]
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>One event's JSON (its <c>data</c>, <c>extraData</c> and names, as sent), in UTF-8 bytes.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBytes { get; set; } = 1024 * 1024;

    /// <summary>One publish request's body (a batch of up to 1,000 events), in bytes.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>An event's size as <see cref="MaxBytes"/> counts it: the raw JSON of its data as sent, plus its short fields.</summary>
    public static long SizeOf(CotEvent cotEvent) =>
        Raw(cotEvent.Data) + Raw(cotEvent.ExtraData)
        + Encoding.UTF8.GetByteCount(cotEvent.Type ?? "") + Encoding.UTF8.GetByteCount(cotEvent.Event ?? "") + Encoding.UTF8.GetByteCount(cotEvent.Id ?? "");

    private static long Raw(JsonElement? element) =>
        element is { ValueKind: not JsonValueKind.Undefined } value ? JsonMarshal.GetRawUtf8Value(value).Length : 0;
}

/// <summary>An event larger than <see cref="EventOptions.MaxBytes"/>: refused before anything is stored.</summary>
public sealed class EventTooLargeException(long size, int limit)
    : ArgumentException($"The event holds {size:N0} bytes; at most {limit:N0} are accepted ({EventOptions.MaxBytesKey}).")
{
    public long Size { get; } = size;

    public int Limit { get; } = limit;
}
