namespace WebhookAdmin.Core.Events;

/// <summary>Names <c>EventText.resx</c>: the published events' rules, in every language.</summary>
public sealed class EventText
{
    internal static Microsoft.Extensions.Localization.IStringLocalizer Localizer { get; } = CoreText.For<EventText>();

    private EventText()
    {
    }
}
