namespace WebhookAdmin.Core.Filters;

/// <summary>Names <c>FilterText.resx</c>: the payload filter rules' messages, in every language.</summary>
public sealed class FilterText
{
    public static Microsoft.Extensions.Localization.IStringLocalizer Localizer { get; } = CoreText.For<FilterText>();

    private FilterText()
    {
    }
}
