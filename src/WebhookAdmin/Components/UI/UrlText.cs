namespace WebhookAdmin.Components.UI;

/// <summary>
/// Where a long url may wrap so it stays readable: after a slash, before a dot, <c>?</c>, <c>&amp;</c>, <c>=</c> or
/// <c>#</c> (the usual typographic rule), never inside a host label or a word. The page's CSS breaks a single segment
/// longer than the column as a last resort.
/// </summary>
public static class UrlText
{
    private const string BreakBefore = ".?&=#";

    public static IReadOnlyList<string> Segments(string url)
    {
        var segments = new List<string>();
        var start = 0;
        for (var i = 0; i < url.Length; i++)
        {
            if (BreakBefore.Contains(url[i]) && i > start)
            {
                segments.Add(url[start..i]);
                start = i;
            }
            else if (url[i] == '/' && (i + 1 == url.Length || url[i + 1] != '/'))
            {
                segments.Add(url[start..(i + 1)]);
                start = i + 1;
            }
        }
        if (start < url.Length)
            segments.Add(url[start..]);
        return segments;
    }
}
