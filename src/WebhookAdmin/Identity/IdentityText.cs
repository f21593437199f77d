namespace WebhookAdmin.Identity;

/// <summary>Names <c>IdentityText.resx</c>: the development provider's sign-in page, in every language.</summary>
public sealed class IdentityText
{
    private IdentityText()
    {
    }
}
