using System.Globalization;
using Microsoft.JSInterop;

namespace WebhookAdmin.Features.Logs;

/// <summary>
/// The admin's own time zone, read once per circuit from the browser: Blazor Server renders on the server, whose
/// clock knows nothing of where the admin sits. UTC until the browser has answered (prerendering, tests).
/// </summary>
public sealed class BrowserTime(IJSRuntime js)
{
    private TimeZoneInfo? _zone;
    private Task<TimeZoneInfo>? _loading;

    public TimeZoneInfo Zone => _zone ?? TimeZoneInfo.Utc;

    /// <summary>
    /// For a component's <c>OnAfterRenderAsync</c>: loads the zone on the first render and says whether the component
    /// must render again to show local times (it rendered in UTC while the browser had not answered).
    /// </summary>
    public async Task<bool> ZoneArrivedAsync(bool firstRender) =>
        // One question to the browser per circuit, however many components on the page ask at the same time.
        firstRender && _zone is null && await (_loading ??= ReadZoneAsync()) != TimeZoneInfo.Utc;

    private async Task<TimeZoneInfo> ReadZoneAsync()
    {
        try
        {
            var id = await js.InvokeAsync<string?>("webhookAdmin.timeZone");
            _zone = !string.IsNullOrEmpty(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
        }
        catch (Exception e) when (e is JSException or InvalidOperationException or TaskCanceledException)
        {
            _zone = TimeZoneInfo.Utc;
        }
        return _zone;
    }

    /// <summary>
    /// The instant in the admin's time zone, written as the admin's culture writes a date and time ("G": <c>28-11-2026
    /// 15:04:05</c> for es-CL, <c>11/28/2026 3:04:05 PM</c> for en-US).
    /// </summary>
    public string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, Zone).ToString("G", CultureInfo.CurrentCulture);

    /// <summary>The instant as a <c>datetime-local</c> input shows it: the admin's own wall clock, to the minute.</summary>
    public string? ToLocalInput(DateTime? utc) =>
        utc is { } value ? TimeZoneInfo.ConvertTimeFromUtc(value, Zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) : null;

    /// <summary>What a <c>datetime-local</c> input holds (the admin's wall clock), as UTC; null when empty or unreadable.</summary>
    public DateTime? FromLocalInput(string? local) =>
        DateTime.TryParseExact(local, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(value, DateTimeKind.Unspecified), Zone)
            : null;

    /// <summary>The exact instant, for a hover title.</summary>
    public static string Exact(DateTime utc) => Core.Events.CotEventJson.Timestamp(utc) + " (UTC)";
}
