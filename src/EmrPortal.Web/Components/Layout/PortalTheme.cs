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
            // Darker than MudBlazor's defaults so labels, hints and breadcrumbs meet WCAG AA (4.5:1) on the background.
            TextSecondary = "rgba(0,0,0,0.64)",
            // State colours: white text on them (filled chips) and them on white (outlined chips, alerts) both reach 4.5:1.
            Success = "#2e7d32",
            Info = "#1565c0",
            Warning = "#b45309",
            Error = "#c62828",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7fb3ff",
            Secondary = "#a9b7c6",
            AppbarBackground = "#0f2239",
            TextPrimary = "rgba(255,255,255,0.87)",
            TextSecondary = "rgba(255,255,255,0.66)",
            // Light tones with dark text on them: readable filled (dark text) and outlined (on the dark surface) alike.
            PrimaryContrastText = "rgba(0,0,0,0.87)",
            // Stopped sessions' chips are filled with Secondary.
            SecondaryContrastText = "rgba(0,0,0,0.87)",
            Success = "#66bb6a",
            SuccessContrastText = "rgba(0,0,0,0.87)",
            Info = "#64b5f6",
            InfoContrastText = "rgba(0,0,0,0.87)",
            Warning = "#ffb74d",
            WarningContrastText = "rgba(0,0,0,0.87)",
            Error = "#ef9a9a",
            ErrorContrastText = "rgba(0,0,0,0.87)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
        },
    };
}
