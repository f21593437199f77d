using System.Globalization;
using System.Text;

namespace WebhookAdmin.Core;

/// <summary>
/// Text as a reader sorts and searches it: lower case without accents, so a Chilean admin finds "Órdenes de trabajo" by
/// typing "órdenes", "ORDENES" or "ordenes", and it sorts among the o's. Stored beside the text it folds (the
/// webhook's <c>SortName</c>, the directory's <c>NameKey</c>) rather than computed in SQL: SQLite's lower() folds ASCII
/// letters only, and a stored key can be indexed.
/// </summary>
public static class TextFold
{
    public static string Fold(string text)
    {
        if (Ascii.IsValid(text))
            return text.ToLowerInvariant();
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                folded.Append(c);
        }
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }
}
