using MudBlazor;

namespace WebhookAdmin.Components.Layout;

internal static class AppTheme
{
    /// <summary>
    /// MudBlazor's palettes with the status colours darkened (light) or lightened (dark) until text on them and they on
    /// the page reach WCAG AA (4.5:1); the defaults fail axe's colour-contrast rule, e.g. a SUCCESS chip at 2.2:1. The
    /// light ones keep a margin because snackbars show them at 95 % opacity (#d32f2f measured 4.4:1 there).
    /// System fonts: the app runs on networks with no font CDN.
    /// </summary>
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Success = "#1b5e20", // 7.9:1 with white
            Error = "#c62828", // 5.6:1 with white, and as error text on white
            Warning = "#a14900", // 6.1:1 with white
            Info = "#0268a8", // 5.9:1 with white
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9e94ff",
            PrimaryContrastText = "#14103d", // 6.9:1
            Success = "#66bb6a",
            SuccessContrastText = "#0b1f0c", // 7.3:1
            Error = "#ff8a80",
            ErrorContrastText = "#2b0000", // and 6.6:1 as error text on the surface
            Warning = "#ffb74d",
            WarningContrastText = "#2b1800",
            Info = "#4fc3f7",
            InfoContrastText = "#002233",
            Background = "#1a1a27",
            Surface = "#252536",
            AppbarBackground = "#252536",
            DrawerBackground = "#252536",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
