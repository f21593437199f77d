using MudBlazor;

namespace WebhookAdmin.Components.Layout;

internal static class AppTheme
{
    /// <summary>System fonts: the app runs on networks with no font CDN.</summary>
    public static MudTheme Theme { get; } = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
