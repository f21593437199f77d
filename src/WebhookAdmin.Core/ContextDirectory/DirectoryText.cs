namespace WebhookAdmin.Core.ContextDirectory;

/// <summary>Names <c>DirectoryText.resx</c>: the directory rules' messages, in every language.</summary>
public sealed class DirectoryText
{
    internal static Microsoft.Extensions.Localization.IStringLocalizer Localizer { get; } = CoreText.For<DirectoryText>();

    private DirectoryText()
    {
    }
}
