using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.RenderTree;
using MudBlazor;

namespace EmrPortal.Web.Components.Layout;

/// <summary>
/// MudBlazor's theme style sheet for the portal's one theme (<see cref="PortalTheme.Theme"/>), exactly as
/// <see cref="MudThemeProvider"/> writes it, but built once per process and mode (light, dark) and shared: MudBlazor
/// rebuilds its CSS variables (tens of KB of text) on every render, and each instance keeps a copy of the theme and
/// watches the system's dark mode through JS interop (an object reference and its JSON metadata per circuit) although
/// the portal decides the mode itself. Only the first render of each mode in the process runs a real
/// <see cref="MudThemeProvider"/> (<see cref="ThemeCapture"/>), which keeps its output; every later render, in any
/// circuit, writes those same strings and no component (docs/decisions.md#lean-circuits).
/// </summary>
public sealed class PortalThemeProvider : ComponentBase
{
    private static IReadOnlyList<(bool Markup, string Content)>? _light;
    private static IReadOnlyList<(bool Markup, string Content)>? _dark;
    private static volatile bool _unshareable;

    [Parameter, EditorRequired] public MudTheme? Theme { get; set; }
    [Parameter] public bool IsDarkMode { get; set; }

    /// <summary>What every circuit renders for the mode: MudBlazor's output, captured by the first render (null before).</summary>
    internal static IReadOnlyList<(bool Markup, string Content)>? Shared(bool dark) => dark ? _dark : _light;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (!ReferenceEquals(Theme, PortalTheme.Theme))
        {
            throw new InvalidOperationException($"{nameof(PortalThemeProvider)} shares the style sheets of {nameof(PortalTheme)}.{nameof(PortalTheme.Theme)} only.");
        }

        var shared = Shared(IsDarkMode);
        if (shared is null)
        {
            // Not captured yet (or MudBlazor renders more than text, in a newer version): MudBlazor's own provider.
            builder.OpenComponent<ThemeCapture>(0);
            builder.AddComponentParameter(1, nameof(MudThemeProvider.Theme), Theme);
            builder.AddComponentParameter(2, nameof(MudThemeProvider.IsDarkMode), IsDarkMode);
            builder.AddComponentParameter(3, nameof(MudThemeProvider.ObserveSystemDarkModeChange), false);
            builder.CloseComponent();
            return;
        }

        Write(builder, shared);
    }

    /// <summary>
    /// The shared style sheet for the mode as content of the caller's render tree (the main layout writes it itself once
    /// captured: a component fewer in every circuit); null until the first render of that mode captured it.
    /// </summary>
    internal static RenderFragment? SharedSheet(bool dark) => Shared(dark) is { } shared ? builder => Write(builder, shared) : null;

    private static void Write(RenderTreeBuilder builder, IReadOnlyList<(bool Markup, string Content)> shared)
    {
        foreach (var (markup, content) in shared)
        {
            if (markup) builder.AddMarkupContent(4, content);
            else builder.AddContent(5, content);
        }
    }

    /// <summary>A <see cref="MudThemeProvider"/> that renders as MudBlazor does and keeps what it rendered for its mode.</summary>
    internal sealed class ThemeCapture : MudThemeProvider
    {
        private bool _darkMode;

        public override Task SetParametersAsync(ParameterView parameters)
        {
            // The mode this instance renders (MudBlazor keeps its own copy in a parameter state).
            if (parameters.TryGetValue<bool>(nameof(IsDarkMode), out var dark)) _darkMode = dark;
            return base.SetParametersAsync(parameters);
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            if (!_unshareable && Shared(_darkMode) is null)
            {
                var captured = Capture();
                if (captured is null) _unshareable = true;
                else if (_darkMode) _dark = captured;
                else _light = captured;
            }

            base.BuildRenderTree(builder);
        }

        // Reads MudBlazor's own output as frames (the framework's render-tree types): text and markup only, else nothing
        // is shared. A MudBlazor upgrade that renders differently keeps MudBlazor's render; the tests notice.
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
}
