namespace WebhookAdmin.Core.Delivery;

/// <summary>Names <c>DeliveryText.resx</c>: why a resend is refused, in every language.</summary>
public sealed class DeliveryText
{
    internal static Microsoft.Extensions.Localization.IStringLocalizer Localizer { get; } = CoreText.For<DeliveryText>();

    private DeliveryText()
    {
    }
}
