using EmrPortal.Contracts;
using MudBlazor;

namespace EmrPortal.Web.Components.Sessions;

/// <summary>
/// The one mapping from a session state to its colour, used by state chips, the timeline and the charts alike. A state
/// maps to a theme colour role, so light and dark themes each use their own tone of it (the portal's palettes in
/// <c>PortalTheme</c>); charts take the same role as a CSS variable, so they switch with the theme as chips do.
/// </summary>
public static class StatePalette
{
    public static Color ColorOf(string? state) => state switch
    {
        SessionStates.Running => Color.Success,
        SessionStates.Starting => Color.Info,
        SessionStates.Stopping => Color.Warning,
        SessionStates.Error => Color.Error,
        SessionStates.Stopped => Color.Secondary,
        // Upgrading and any state the cloud adds later: neutral.
        _ => Color.Default,
    };

    /// <summary>
    /// The colour a filled chip of <paramref name="state"/> has, as a CSS value (the theme's variable), for chart series.
    /// MudBlazor's filled "default" chip uses the disabled-background tone; the chart uses the same.
    /// </summary>
    public static string CssColorOf(string? state) => CssColorOf(ColorOf(state));

    public static string CssColorOf(Color color) => color switch
    {
        Color.Default => "var(--mud-palette-action-disabled-background)",
        _ => $"var(--mud-palette-{color.ToString().ToLowerInvariant()})",
    };
}
