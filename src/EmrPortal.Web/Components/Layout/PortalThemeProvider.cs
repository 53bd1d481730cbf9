using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.RenderTree;
using MudBlazor;

namespace EmrPortal.Web.Components.Layout;

/// <summary>
/// <see cref="MudThemeProvider"/> for the portal's one theme (<see cref="PortalTheme.Theme"/>), writing exactly what
/// MudBlazor writes, but built once per process and mode (light, dark) instead of once per render: MudBlazor rebuilds
/// its CSS variables (tens of KB of text) on every render, and each circuit would keep its own copy in its render tree.
/// Here every circuit's tree points at the same strings (docs/decisions.md#lean-circuits).
/// </summary>
public sealed class PortalThemeProvider : MudThemeProvider
{
    private bool _darkMode;
    private static IReadOnlyList<(bool Markup, string Content)>? _light;
    private static IReadOnlyList<(bool Markup, string Content)>? _dark;

    /// <summary>What every circuit renders for the mode: MudBlazor's output, captured by the first render (null before).</summary>
    internal static IReadOnlyList<(bool Markup, string Content)>? Shared(bool dark) => dark ? _dark : _light;

    public override Task SetParametersAsync(ParameterView parameters)
    {
        // The mode this instance renders (MudBlazor keeps its own copy in a parameter state).
        if (parameters.TryGetValue<bool>(nameof(IsDarkMode), out var dark)) _darkMode = dark;
        return base.SetParametersAsync(parameters);
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (!ReferenceEquals(Theme, PortalTheme.Theme))
        {
            throw new InvalidOperationException($"{nameof(PortalThemeProvider)} shares the style sheets of {nameof(PortalTheme)}.{nameof(PortalTheme.Theme)} only.");
        }

        // MudBlazor's own render reads the mode this instance was given; the first render of each mode is kept.
        var shared = _darkMode ? _dark ??= Capture() : _light ??= Capture();
        if (shared is null)
        {
            // MudBlazor renders something other than text (a newer version): render as it does, unshared.
            base.BuildRenderTree(builder);
            return;
        }

        foreach (var (markup, content) in shared)
        {
            if (markup) builder.AddMarkupContent(0, content);
            else builder.AddContent(1, content);
        }
    }

    // Reads MudBlazor's own output as frames (the framework's render-tree types): text and markup only, else nothing is
    // shared. A MudBlazor upgrade that renders differently falls back to MudBlazor's render; the tests notice.
#pragma warning disable BL0006
    private List<(bool, string)>? Capture()
    {
        using var own = new RenderTreeBuilder();
        base.BuildRenderTree(own);
        var frames = own.GetFrames();
        var captured = new List<(bool, string)>(frames.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames.Array[i];
            switch (frame.FrameType)
            {
                case RenderTreeFrameType.Markup:
                    captured.Add((true, frame.MarkupContent));
                    break;
                case RenderTreeFrameType.Text:
                    captured.Add((false, frame.TextContent));
                    break;
                default:
                    return null;
            }
        }

        return captured;
    }
#pragma warning restore BL0006
}
