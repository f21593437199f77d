using Microsoft.Extensions.Localization;

namespace WebhookAdmin.Features.Logs;

/// <summary>The From–To filter in words, in the admin's time zone and language, for "Resend failed" to say what it will resend.</summary>
public static class ResendRange
{
    /// <summary>Completes "executed …": "from 11/28/2026 10:00:00 AM to 11/28/2026 12:00:00 PM (your time)", "since …", "before …" or "at any time".</summary>
    public static string Describe(DateTime? from, DateTime? to, BrowserTime time, IStringLocalizer<LogsText> text) => (from, to) switch
    {
        ({ } start, { } end) => text["RangeFromTo", time.Local(start), time.Local(end)],
        ({ } start, null) => text["RangeSince", time.Local(start)],
        (null, { } end) => text["RangeBefore", time.Local(end)],
        _ => text["RangeAnyTime"],
    };
}
