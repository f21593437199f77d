namespace WebhookAdmin.Features.Logs;

/// <summary>The From–To filter in words, in the admin's time zone, for "Resend failed" to say what it will resend.</summary>
public static class ResendRange
{
    /// <summary>Completes "executed …": "from 2026-11-28 10:00:00 to 2026-11-28 12:00:00 (your time)", "since …", "before …" or "at any time".</summary>
    public static string Describe(DateTime? from, DateTime? to, BrowserTime time) => (from, to) switch
    {
        ({ } start, { } end) => $"from {time.Local(start)} to {time.Local(end)} (your time)",
        ({ } start, null) => $"since {time.Local(start)} (your time)",
        (null, { } end) => $"before {time.Local(end)} (your time)",
        _ => "at any time",
    };
}
