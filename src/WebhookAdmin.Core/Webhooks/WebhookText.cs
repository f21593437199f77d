namespace WebhookAdmin.Core.Webhooks;

/// <summary>Names <c>WebhookText.resx</c>: the webhook rules' messages and the triggers' labels, in every language.</summary>
public sealed class WebhookText
{
    internal static Microsoft.Extensions.Localization.IStringLocalizer Localizer { get; } = CoreText.For<WebhookText>();

    private WebhookText()
    {
    }
}
