namespace WebhookAdmin.Features.EndpointAuth;

/// <summary>Names <c>AuthenticationText.resx</c>: the settings panel's endpoint authentication section, in every language.</summary>
public sealed class AuthenticationText
{
    private AuthenticationText()
    {
    }
}
