using System.Globalization;
using System.Reflection;
using System.Text;

namespace WebhookAdmin.Core;

/// <summary>
/// Text as a search compares it: lower case without accents, so a Chilean admin finds "Órdenes de trabajo" by typing
/// "órdenes", "ORDENES" or "ordenes". Used in queries too: SQLite's lower() folds ASCII letters only, so the database
/// runs this same .NET code there (<see cref="SqliteFunction"/>, registered on each connection); PostgreSQL folds with
/// <c>translate(lower(…))</c> over the accented letters of the Latin alphabet (<see cref="Accented"/>).
/// </summary>
public static class TextFold
{
    public const string SqliteFunction = "webhookadmin_fold";

    /// <summary>
    /// What PostgreSQL's translation replaces, letter for letter with <see cref="Plain"/>. Capitals too: under the "C"
    /// locale PostgreSQL's lower() folds ASCII letters only, as SQLite's does.
    /// </summary>
    public const string Accented = "áàâäãåéèêëíìîïóòôöõúùûüñçýÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇÝ";

    public const string Plain = "aaaaaaeeeeiiiiooooouuuuncyaaaaaaeeeeiiiiooooouuuuncy";

    internal static MethodInfo FoldMethod { get; } = typeof(TextFold).GetMethod(nameof(Fold), [typeof(string)])!;

    internal static MethodInfo Utf8LengthMethod { get; } = typeof(TextFold).GetMethod(nameof(Utf8Length), [typeof(string)])!;

    /// <summary>
    /// The text's length in UTF-8 bytes (SQL's <c>octet_length</c> in queries): more than its length in characters only
    /// when it has a letter beyond ASCII. A query folds only such text, as SQLite calls .NET for every fold.
    /// </summary>
    public static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);

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
