namespace WebhookAdmin.Core.EndpointAuth;

/// <summary>Names <c>EndpointAuthText.resx</c>: the endpoint authentication rules' messages, in every language.</summary>
public sealed class EndpointAuthText
{
    public static Microsoft.Extensions.Localization.IStringLocalizer Localizer { get; } = CoreText.For<EndpointAuthText>();

    private EndpointAuthText()
    {
    }
}
