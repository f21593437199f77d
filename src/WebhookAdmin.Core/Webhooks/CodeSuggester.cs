using System.Globalization;
using System.Text;

namespace WebhookAdmin.Core.Webhooks;

/// <summary>Turns a webhook's name into a code: lowercase letters, digits and underscores, accents folded.</summary>
public static class CodeSuggester
{
    public const int MaxLength = 64;
    private const string Fallback = "webhook";

    public static string FromName(string? name)
    {
        var builder = new StringBuilder(MaxLength);
        var pendingSeparator = false;
        foreach (var ch in (name ?? "").Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark)
                continue;
            foreach (var folded in FoldLetter(char.ToLowerInvariant(ch)))
            {
                if (folded is >= 'a' and <= 'z' or >= '0' and <= '9')
                {
                    if (pendingSeparator && builder.Length > 0)
                        builder.Append('_');
                    builder.Append(folded);
                    pendingSeparator = false;
                }
                else
                {
                    pendingSeparator = true;
                }
            }
        }

        var code = builder.Length == 0 ? Fallback : builder.ToString();
        return code.Length <= MaxLength ? code : code[..MaxLength].TrimEnd('_');
    }

    /// <summary>The first of <c>code</c>, <c>code_2</c>, <c>code_3</c>… that <paramref name="isTaken"/> rejects.</summary>
    public static string MakeUnique(string code, Func<string, bool> isTaken)
    {
        if (!isTaken(code))
            return code;
        for (var n = 2; ; n++)
        {
            var suffix = "_" + n.ToString(CultureInfo.InvariantCulture);
            var candidate = code.Length + suffix.Length <= MaxLength ? code + suffix : code[..(MaxLength - suffix.Length)] + suffix;
            if (!isTaken(candidate))
                return candidate;
        }
    }

    /// <summary>Letters that FormD does not decompose into a base letter plus a mark.</summary>
    private static string FoldLetter(char ch) => ch switch
    {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'đ' => "d",
        'ł' => "l",
        'ı' => "i",
        _ => ch.ToString(),
    };
}
