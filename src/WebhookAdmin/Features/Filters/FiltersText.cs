namespace WebhookAdmin.Features.Filters;

/// <summary>Names <c>FiltersText.resx</c>: the settings panel's payload filter section, in every language.</summary>
public sealed class FiltersText
{
    private FiltersText()
    {
    }
}
