using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace EmrPortal.Web.Components.Common;

/// <summary>
/// MudBlazor's outlined, dense text field and select and its switch, as native form controls written into the caller's
/// render tree with MudBlazor's own markup and classes. A <c>MudTextField</c> is about five components and a
/// <c>MudSelect</c> about ten plus one per option (rendered while closed), each kept by the circuit for as long as the
/// page is open; the list's toolbar and pager were ~120 of them. A native <c>&lt;select&gt;</c> is also what keyboards,
/// screen readers and phones handle best. docs/decisions.md#lean-circuits.
/// </summary>
/// <remarks>
/// The select shows its text in MudBlazor's own slot (so it looks exactly like a <c>MudSelect</c>) and lies, transparent,
/// over the whole field, where it takes the clicks, the keys and the focus (the portal's stylesheet, <c>.native-select</c>).
/// Events go to <c>receiver</c>: the component that renders the field, which re-renders after each.
/// </remarks>
public static class NativeFields
{
    private const string ControlClass = "mud-input-control mud-input-control-margin-dense mud-input-outlined-with-label";
    private const string LabelClass = "mud-input-label mud-input-label-animated mud-input-label-outlined mud-input-label-margin-dense mud-input-label-inputcontrol";
    private const string SlotClass = "mud-input-slot mud-input-root mud-input-root-outlined";
    private const string AdornmentIconClass = "mud-icon-root mud-icon-default mud-svg-icon mud-icon-size-medium mud-input-adornment-icon";
    private const string ClearButtonClass = "mud-button-root mud-icon-button mud-ripple mud-ripple-icon mud-icon-button-size-small mud-input-clear-button";

    /// <summary>
    /// <c>&lt;MudTextField Variant="Outlined" Margin="Dense" Clearable="true" /&gt;</c> as an <c>&lt;input&gt;</c>.
    /// <paramref name="changed"/> gets the text on change (or on every input when <paramref name="immediate"/>); the clear
    /// button (shown while there is a value) calls <paramref name="cleared"/>.
    /// </summary>
    public static RenderFragment TextField(object receiver, string id, string label, string? value, Func<string?, Task> changed, Func<Task> cleared,
        string? controlClass = null, string? testId = null, string? title = null, string? placeholder = null, string? ariaLabel = null,
        string? startIcon = null, bool immediate = false, string type = "text") => builder =>
    {
        var adorned = startIcon is not null;
        var hasValue = !string.IsNullOrEmpty(value);
        var shrink = hasValue || adorned || !string.IsNullOrWhiteSpace(placeholder);
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", Join($"{ControlClass} mud-input-input-control mud-input-sizing-fixed", controlClass));
        builder.OpenElement(2, "div");
        builder.AddAttribute(3, "class", "mud-input-control-input-container");
        builder.OpenElement(4, "div");
        builder.AddAttribute(5, "class", InputClass(adornedStart: adorned, adornedEnd: false, shrink));
        if (adorned)
        {
            builder.OpenElement(6, "div");
            builder.AddAttribute(7, "class", "mud-input-adornment mud-input-adornment-start");
            builder.OpenRegion(8);
            WriteIcon(builder, startIcon!, AdornmentIconClass, adornment: true);
            builder.CloseRegion();
            builder.CloseElement();
        }

        builder.OpenElement(10, "input");
        builder.AddAttribute(11, "class", $"{SlotClass}{(adorned ? " mud-input-root-adorned-start" : null)} mud-input-root-margin-dense");
        builder.AddAttribute(12, "type", type);
        builder.AddAttribute(13, "id", id);
        builder.AddAttribute(14, "value", value);
        builder.AddAttribute(15, "placeholder", placeholder);
        builder.AddAttribute(16, "title", title);
        builder.AddAttribute(17, "aria-label", ariaLabel);
        builder.AddAttribute(18, "data-testid", testId);
        builder.AddAttribute(19, immediate ? "oninput" : "onchange",
            EventCallback.Factory.Create<ChangeEventArgs>(receiver, e => changed(e.Value as string)));
        builder.CloseElement();
        if (hasValue)
        {
            builder.OpenRegion(20);
            WriteClearButton(builder, receiver, $"Clear {label.ToLowerInvariant()}", "mud-icon-button-edge-margin-end", cleared);
            builder.CloseRegion();
        }

        builder.OpenRegion(30);
        WriteBorder(builder, label);
        builder.CloseRegion();
        builder.CloseElement();
        builder.OpenRegion(40);
        WriteLabel(builder, id, label);
        builder.CloseRegion();
        builder.CloseElement();
        builder.CloseElement();
    };

    /// <summary>
    /// <c>&lt;MudSelect Variant="Outlined" Margin="Dense" /&gt;</c> as a <c>&lt;select&gt;</c> of <paramref name="options"/>
    /// (values; <paramref name="textOf"/> gives each one's text). A value not among them (a hand-edited URL) is offered
    /// too, so the field always shows what filters the list. With <paramref name="anyText"/> the first option is "no
    /// value" (null) and a set value can be cleared with a button as well.
    /// </summary>
    public static RenderFragment Select(object receiver, string id, string label, string? value, IReadOnlyList<string> options,
        Func<string?, Task> changed, string? anyText = null, Func<string, string>? textOf = null,
        string? controlClass = null, string? testId = null, string? title = null) => builder =>
    {
        var selected = Matching(options, value);
        var text = selected is null ? anyText ?? "" : textOf?.Invoke(selected) ?? selected;
        var clearable = anyText is not null && selected is not null;
        // MudSelect's wrapper and field: a flex item that grows (MudBlazor's .mud-select), then the outlined input.
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "mud-select");
        builder.OpenElement(2, "div");
        builder.AddAttribute(3, "class", Join($"{ControlClass} mud-select", controlClass));
        builder.OpenElement(4, "div");
        builder.AddAttribute(5, "class", "mud-input-control-input-container");
        builder.OpenElement(6, "div");
        builder.AddAttribute(7, "class", InputClass(adornedStart: false, adornedEnd: true, shrink: true) + " mud-select-input native-select");

        builder.OpenElement(10, "select");
        builder.AddAttribute(11, "id", id);
        builder.AddAttribute(12, "value", selected ?? "");
        builder.AddAttribute(13, "title", title);
        builder.AddAttribute(14, "data-testid", testId);
        builder.AddAttribute(15, "onchange", EventCallback.Factory.Create<ChangeEventArgs>(receiver,
            e => changed(e.Value is string s && s.Length > 0 ? s : null)));
        if (anyText is not null)
        {
            builder.OpenElement(16, "option");
            builder.AddAttribute(17, "value", "");
            builder.AddContent(18, anyText);
            builder.CloseElement();
        }

        if (selected is not null && !options.Contains(selected, StringComparer.Ordinal))
        {
            builder.OpenElement(19, "option");
            builder.AddAttribute(20, "value", selected);
            builder.AddContent(21, textOf?.Invoke(selected) ?? selected);
            builder.CloseElement();
        }

        foreach (var option in options)
        {
            builder.OpenElement(22, "option");
            builder.AddAttribute(23, "value", option);
            builder.AddContent(24, textOf?.Invoke(option) ?? option);
            builder.CloseElement();
        }

        builder.CloseElement();

        // What the field shows: MudSelect's own slot (hidden from screen readers, which read the select).
        builder.OpenElement(30, "div");
        builder.AddAttribute(31, "class", $"{SlotClass} mud-input-root-adorned-end mud-input-root-margin-dense mud-select-input");
        builder.AddAttribute(32, "aria-hidden", "true");
        builder.AddContent(33, text);
        builder.CloseElement();
        if (clearable)
        {
            builder.OpenRegion(40);
            WriteClearButton(builder, receiver, $"Clear {label.ToLowerInvariant()}", "mud-icon-button-edge-end", () => changed(null));
            builder.CloseRegion();
        }

        builder.OpenElement(50, "div");
        builder.AddAttribute(51, "class", "mud-input-adornment mud-input-adornment-end");
        builder.OpenRegion(52);
        WriteIcon(builder, Icons.Material.Filled.ArrowDropDown, AdornmentIconClass, adornment: true);
        builder.CloseRegion();
        builder.CloseElement();
        builder.OpenRegion(60);
        WriteBorder(builder, label);
        builder.CloseRegion();
        builder.CloseElement();
        builder.OpenRegion(70);
        WriteLabel(builder, id, label);
        builder.CloseRegion();
        builder.CloseElement();
        builder.CloseElement();
        builder.CloseElement();
    };

    /// <summary><c>&lt;MudSwitch T="bool" Color="…" Label="…" /&gt;</c> as a checkbox with the switch role.</summary>
    public static RenderFragment Switch(object receiver, string label, bool value, Func<bool, Task> changed, Color color, string? testId = null) => builder =>
    {
        var colorName = value ? MudMarkup.ColorName(color) : "default";
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "mud-input-control mud-input-control-boolean-input");
        builder.OpenElement(2, "div");
        builder.AddAttribute(3, "class", "mud-input-control-input-container");
        builder.OpenElement(4, "label");
        builder.AddAttribute(5, "class", "mud-switch mud-input-content-placement-end");
        builder.OpenElement(6, "span");
        builder.AddAttribute(7, "class", "mud-switch-span mud-switch-span-medium");
        builder.OpenElement(8, "span");
        builder.AddAttribute(9, "class", $"mud-button-root mud-icon-button mud-switch-base mud-ripple mud-ripple-switch mud-{colorName}-text hover:mud-{colorName}-hover{(value ? " mud-checked" : null)} mud-switch-base-medium");
        builder.OpenElement(10, "span");
        builder.AddAttribute(11, "class", "mud-switch-button");
        builder.OpenElement(12, "input");
        builder.AddAttribute(13, "type", "checkbox");
        builder.AddAttribute(14, "role", "switch");
        builder.AddAttribute(15, "class", "mud-switch-input");
        builder.AddAttribute(16, "checked", value);
        builder.AddAttribute(17, "data-testid", testId);
        builder.AddAttribute(18, "onchange", EventCallback.Factory.Create<ChangeEventArgs>(receiver, e => changed(e.Value is true)));
        builder.CloseElement();
        builder.OpenElement(19, "span");
        builder.AddAttribute(20, "class", "mud-switch-thumb-medium d-flex align-center justify-center");
        builder.CloseElement();
        builder.CloseElement();
        builder.CloseElement();
        builder.OpenElement(21, "span");
        builder.AddAttribute(22, "class", $"mud-switch-track mud-{colorName}");
        builder.CloseElement();
        builder.CloseElement();
        builder.OpenElement(23, "span");
        builder.AddAttribute(24, "class", "mud-typography mud-typography-body1");
        builder.AddContent(25, label);
        builder.CloseElement();
        builder.CloseElement();
        builder.CloseElement();
        builder.CloseElement();
    };

    /// <summary>The option equal to <paramref name="value"/> (ignoring case: URLs are typed by hand), else the value itself.</summary>
    private static string? Matching(IReadOnlyList<string> options, string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        foreach (var option in options)
        {
            if (string.Equals(option, value, StringComparison.OrdinalIgnoreCase)) return option;
        }

        return value;
    }

    private static string InputClass(bool adornedStart, bool adornedEnd, bool shrink) =>
        "mud-input mud-input-outlined mud-input-outlined-with-label"
        + (adornedStart ? " mud-input-adorned-start" : null)
        + (adornedEnd ? " mud-input-adorned-end" : null)
        + " mud-input-margin-dense"
        + (shrink ? " mud-shrink" : null)
        + " mud-typography-subtitle1 mud-input-sizing-fixed";

    private static string Join(string classes, string? extra) => extra is null ? classes : $"{classes} {extra}";

    // Each helper is called inside a region of its own (its sequence numbers start again at 0).
    private static void WriteClearButton(RenderTreeBuilder builder, object receiver, string name, string edgeClass, Func<Task> cleared)
    {
        // As MudBlazor's: out of the tab order (the field itself is reachable and editable by keyboard), named for
        // screen readers and pointers.
        builder.OpenElement(0, "button");
        builder.AddAttribute(1, "type", "button");
        builder.AddAttribute(2, "class", $"{ClearButtonClass} {edgeClass} mud-no-activator");
        builder.AddAttribute(3, "aria-label", name);
        builder.AddAttribute(4, "title", name);
        builder.AddAttribute(5, "tabindex", "-1");
        builder.AddAttribute(6, "onclick", EventCallback.Factory.Create<MouseEventArgs>(receiver, cleared));
        builder.OpenElement(7, "span");
        builder.AddAttribute(8, "class", "mud-icon-button-label");
        builder.OpenRegion(9);
        WriteIcon(builder, Icons.Material.Filled.Clear, "mud-icon-root mud-svg-icon mud-icon-size-small", adornment: false);
        builder.CloseRegion();
        builder.CloseElement();
        builder.CloseElement();
    }

    private static void WriteIcon(RenderTreeBuilder builder, string svg, string classes, bool adornment)
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", classes);
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        if (adornment) builder.AddAttribute(5, "tabindex", "-1");
        // The icon constants are MudBlazor's own SVG path markup, never user data.
        builder.AddMarkupContent(6, svg);
        builder.CloseElement();
    }

    private static void WriteBorder(RenderTreeBuilder builder, string label)
    {
        builder.OpenElement(0, "fieldset");
        builder.AddAttribute(1, "class", "mud-input-outlined-border");
        builder.OpenElement(2, "legend");
        builder.AddContent(3, label);
        builder.CloseElement();
        builder.CloseElement();
    }

    private static void WriteLabel(RenderTreeBuilder builder, string id, string label)
    {
        builder.OpenElement(0, "label");
        builder.AddAttribute(1, "class", LabelClass);
        builder.AddAttribute(2, "for", id);
        builder.AddContent(3, label);
        builder.CloseElement();
    }
}
