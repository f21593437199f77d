namespace WebhookAdmin.Core.Recovery;

/// <summary>Names <c>RecoveryText.resx</c>: why a bulk recovery cannot start, in every language.</summary>
public sealed class RecoveryText
{
    internal static Microsoft.Extensions.Localization.IStringLocalizer Localizer { get; } = CoreText.For<RecoveryText>();

    private RecoveryText()
    {
    }
}
