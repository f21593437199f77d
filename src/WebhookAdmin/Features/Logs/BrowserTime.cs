using Microsoft.JSInterop;

namespace WebhookAdmin.Features.Logs;

/// <summary>
/// The admin's own time zone, read once per circuit from the browser: Blazor Server renders on the server, whose
/// clock knows nothing of where the admin sits. UTC until the browser has answered (prerendering, tests).
/// </summary>
public sealed class BrowserTime(IJSRuntime js)
{
    private TimeZoneInfo? _zone;

    public TimeZoneInfo Zone => _zone ?? TimeZoneInfo.Utc;

    public async Task<TimeZoneInfo> LoadAsync()
    {
        if (_zone is not null)
            return _zone;
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

    public string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, Zone).ToString("yyyy-MM-dd HH:mm:ss");

    /// <summary>The exact instant, for a hover title.</summary>
    public static string Exact(DateTime utc) => utc.ToString(Core.Events.CotEventJson.TimestampFormat, System.Globalization.CultureInfo.InvariantCulture) + " (UTC)";
}
