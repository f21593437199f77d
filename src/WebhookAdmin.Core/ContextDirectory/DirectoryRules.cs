namespace WebhookAdmin.Core.ContextDirectory;

/// <summary>The rules of a directory entry's name, in the caller's language (<see cref="DirectoryText"/>).</summary>
public static class DirectoryRules
{
    private static readonly Microsoft.Extensions.Localization.IStringLocalizer Text = DirectoryText.Localizer;

    /// <summary>The same limit as a webhook's name: both are shown in the same panel.</summary>
    public const int NameMaxLength = 200;

    /// <summary>Why <paramref name="name"/> (already trimmed) cannot be stored, or null when it can.</summary>
    public static string? CheckName(string? name) =>
        string.IsNullOrEmpty(name) ? Text["NameRequired"].Value
        : name.Length > NameMaxLength ? Text["NameTooLong", NameMaxLength].Value
        // A tab or newline inside a name would break the one-line "name · id" the pickers show, and a NUL breaks PostgreSQL.
        : StoredText.HasForbiddenCharacters(name) ? Text["NameControlCharacters"].Value
        : null;
}
