using System.Globalization;
using System.Resources;

namespace WebhookAdmin.Core.Events.Catalogue;

/// <summary>Names <c>EventCatalogueText.resx</c>: what each event kind means and what its main fields hold, in every language.</summary>
public sealed class EventCatalogueText
{
    internal static Microsoft.Extensions.Localization.IStringLocalizer Localizer { get; } = CoreText.For<EventCatalogueText>();

    private static readonly ResourceManager Resources = new(typeof(EventCatalogueText));

    private EventCatalogueText()
    {
    }

    /// <summary>The text of <paramref name="key"/> in the current UI language, or null when there is none.</summary>
    internal static string? Find(string key) => Resources.GetString(key, CultureInfo.CurrentUICulture);

    /// <summary>
    /// The English text: the schemas carry it whatever the reader's language, so one schema (and its cache) serves everyone
    /// and a receiver's code generator gets the same file every time.
    /// </summary>
    internal static string? English(string key) => Resources.GetString(key, CultureInfo.InvariantCulture);
}
