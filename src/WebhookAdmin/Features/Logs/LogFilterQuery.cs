using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Features.Logs;

/// <summary>
/// The logs tab's filter and page as URL query parameters, so a view can be shared with a colleague:
/// <c>?tab=logs&amp;result=failed&amp;status=500&amp;from=2026-11-23T12:00:00Z&amp;to=…&amp;type=COTTask&amp;page=2</c>.
/// Unknown or malformed values are ignored rather than failing the page.
/// </summary>
public static class LogFilterQuery
{
    public static (LogFilter Filter, int Page) Parse(string uri)
    {
        var query = QueryHelpers.ParseQuery(new Uri(uri).Query);
        string? Value(string key) => query.TryGetValue(key, out var values) ? values.ToString() : null;

        var result = Enum.TryParse<LogResult>(Value("result"), ignoreCase: true, out var parsedResult) && Enum.IsDefined(parsedResult) ? parsedResult : LogResult.All;
        int? status = int.TryParse(Value("status"), NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 0 and <= 999 ? code : null;
        var type = CotEventTypes.All.FirstOrDefault(t => t == Value("type"));
        var page = int.TryParse(Value("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 ? number : 1;
        return (new LogFilter(result, status, Time(Value("from")), Time(Value("to")), type), page);
    }

    /// <summary>Query parameters for <c>NavigationManager.GetUriWithQueryParameters</c>; null removes a parameter.</summary>
    public static IReadOnlyDictionary<string, object?> ToQuery(LogFilter filter, int page) => new Dictionary<string, object?>
    {
        ["tab"] = "logs",
        ["result"] = filter.Result == LogResult.All ? null : filter.Result.ToString().ToLowerInvariant(),
        ["status"] = filter.Status?.ToString(CultureInfo.InvariantCulture),
        ["from"] = Format(filter.From),
        ["to"] = Format(filter.To),
        ["type"] = filter.EventType,
        ["page"] = page > 1 ? page.ToString(CultureInfo.InvariantCulture) : null,
    };

    private static DateTime? Time(string? value) =>
        DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private static string? Format(DateTime? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
