using MudBlazor;

namespace EmrPortal.Web.Components.Layout;

/// <summary>The portal's palette; fonts come from the system stack (the CSP allows no third-party font host).</summary>
public static class PortalTheme
{
    private static readonly string[] FontStack =
        ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            Secondary = "#5b6b7c",
            AppbarBackground = "#173f6e",
            Background = "#f6f8fb",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7fb3ff",
            Secondary = "#a9b7c6",
            AppbarBackground = "#0f2239",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
        },
    };
}
