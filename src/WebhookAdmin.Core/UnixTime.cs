namespace WebhookAdmin.Core;

/// <summary>UTC times as Unix milliseconds: how delivery times are stored, and the precision the documented JSON shows.</summary>
public static class UnixTime
{
    public static long ToMilliseconds(DateTime time) =>
        (time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time).Ticks / TimeSpan.TicksPerMillisecond
        - DateTime.UnixEpoch.Ticks / TimeSpan.TicksPerMillisecond;

    public static DateTime FromMilliseconds(long milliseconds) =>
        new(DateTime.UnixEpoch.Ticks + milliseconds * TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    /// <summary>The time as it will read back from storage (whole milliseconds, UTC).</summary>
    public static DateTime Truncate(DateTime time) => FromMilliseconds(ToMilliseconds(time));

    /// <summary>
    /// The first whole millisecond at or after <paramref name="time"/>. Range bounds over stored times use it, so that
    /// <c>x &gt;= from</c> and <c>x &lt; to</c> mean the same on whole milliseconds as on the bounds as given.
    /// </summary>
    public static DateTime CeilingToMillisecond(DateTime time)
    {
        var truncated = Truncate(time);
        return truncated < (time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time) ? truncated.AddMilliseconds(1) : truncated;
    }
}
