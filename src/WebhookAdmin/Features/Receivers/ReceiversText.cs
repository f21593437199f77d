using Microsoft.Extensions.Localization;
using WebhookAdmin.Core;

namespace WebhookAdmin.Features.Receivers;

/// <summary>Names <c>ReceiversText.resx</c>: the catch-up API's problems and the settings panel's receiver key section, in every language.</summary>
public sealed class ReceiversText
{
    /// <summary>For the API handlers, which run in the request's culture.</summary>
    internal static IStringLocalizer Localizer { get; } = CoreText.For<ReceiversText>();

    private ReceiversText()
    {
    }
}
