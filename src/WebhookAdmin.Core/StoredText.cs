using System.Text;
using System.Text.Unicode;

namespace WebhookAdmin.Core;

/// <summary>
/// Text that every supported database holds as it is. PostgreSQL's <c>text</c> refuses NUL (22021) and only takes valid
/// UTF-8; SQLite takes both. So what others send us is either refused at the door (what a person or a platform types:
/// names, ids, descriptions) or cleaned and marked as such (what a receiver answers, which is recorded whatever it is),
/// and the two providers store the same thing.
/// </summary>
public static class StoredText
{
    private const string CleanedMarker = "\n…[cleaned: {0} replaced with U+FFFD]";

    /// <summary>
    /// True when <paramref name="text"/> holds a control character (C0, DEL, C1) or half of a surrogate pair: nothing a
    /// name or an id needs, and NUL is what PostgreSQL refuses. <paramref name="allowLineBreaks"/> lets
    /// <c>\n</c>, <c>\r</c> and <c>\t</c> through, for multi-line text such as a description.
    /// </summary>
    public static bool HasForbiddenCharacters(string? text, bool allowLineBreaks = false)
    {
        if (text is null)
            return false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                if (allowLineBreaks && c is '\n' or '\r' or '\t')
                    continue;
                return true;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
                return true;
        }
        return false;
    }

    /// <summary>Whether PostgreSQL's <c>text</c> takes <paramref name="text"/>: no NUL, and no half of a surrogate pair (not UTF-8 once encoded).</summary>
    public static bool IsStorable(string? text)
    {
        if (text is null)
            return true;
        Replace(text, out var nul, out var lone);
        return !nul && !lone;
    }

    /// <summary>
    /// Decodes a receiver's bytes into text any database stores: invalid UTF-8 and NUL become U+FFFD, and when anything
    /// was replaced the text ends with a marker saying so (the bytes as received are gone; the reader must know).
    /// </summary>
    public static string FromReceiver(ReadOnlySpan<byte> utf8)
    {
        var invalid = !Utf8.IsValid(utf8);
        var text = Replace(Encoding.UTF8.GetString(utf8), out var nul, out _);
        return Mark(text, invalid ? "invalid UTF-8" : null, nul);
    }

    /// <summary>Text made here from others' words (an exception's message): NUL and lone surrogates become U+FFFD, marked.</summary>
    public static string Clean(string text)
    {
        var cleaned = Replace(text, out var nul, out var lone);
        return Mark(cleaned, lone ? "invalid UTF-16" : null, nul);
    }

    /// <summary>The longest start of <paramref name="utf8"/> that does not end inside a character (for cutting a long answer).</summary>
    public static int CompleteLength(ReadOnlySpan<byte> utf8)
    {
        var end = utf8.Length;
        var i = end - 1;
        var continuation = 0;
        while (i >= 0 && continuation < 3 && (utf8[i] & 0xC0) == 0x80)
        {
            i--;
            continuation++;
        }
        if (i < 0)
            return end;
        var lead = utf8[i];
        var length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return i + length > end ? i : end;
    }

    /// <summary>NUL and lone surrogates (which no UTF-8 database can hold) become U+FFFD; the text itself when there is none.</summary>
    private static string Replace(string text, out bool nul, out bool lone)
    {
        nul = false;
        lone = false;
        StringBuilder? builder = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            var bad = c == '\0' || char.IsSurrogate(c);
            if (bad && builder is null)
                builder = new StringBuilder(text.Length).Append(text, 0, i);
            nul |= c == '\0';
            lone |= char.IsSurrogate(c);
            builder?.Append(bad ? '\uFFFD' : c);
        }
        return builder?.ToString() ?? text;
    }

    private static string Mark(string text, string? invalid, bool nul)
    {
        if (invalid is null && !nul)
            return text;
        var what = invalid is not null && nul ? invalid + " and NUL characters" : invalid ?? "NUL characters";
        return text + string.Format(System.Globalization.CultureInfo.InvariantCulture, CleanedMarker, what);
    }
}
