using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace EmrPortal.Web.Components.Common;

/// <summary>
/// MudBlazor's look (its own CSS classes) for the small static pieces that repeat on every table row — icons and chips —
/// written as plain elements into the caller's render tree. In Blazor Server every component instance is held by the
/// circuit for as long as the page is open (render-tree buffers, parameter state, attribute dictionaries: a few KB
/// each); a 25-row list with a chip, badges, icons and a button per row was ~300 of them, most of an idle circuit's
/// memory. Interactive controls stay MudBlazor components.
/// </summary>
public static partial class MudMarkup
{
    /// <summary><c>&lt;MudIcon Size="Small" Color="…" aria-hidden="true" /&gt;</c> as markup.</summary>
    public static RenderFragment Icon(string svg, Color color = Color.Default, string? extraClass = null, Size size = Size.Small) =>
        builder => WriteIcon(builder, svg, color, extraClass, size);

    /// <summary>A small non-clickable <c>MudChip</c> as markup; <paramref name="icon"/> is placed before the text as MudChip does.</summary>
    public static RenderFragment Chip(string text, Color color, Variant variant, string? extraClass = null,
        string? icon = null, string? title = null, string? testId = null) => builder =>
    {
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "class", ChipClass(color, variant, extraClass));
        builder.AddAttribute(2, "title", title);
        builder.AddAttribute(3, "data-testid", testId);
        if (icon is not null)
        {
            builder.OpenRegion(4);
            WriteIcon(builder, icon, Color.Default, "mud-chip-icon");
            builder.CloseRegion();
        }

        builder.OpenElement(5, "span");
        builder.AddAttribute(6, "class", "mud-chip-content");
        builder.AddContent(7, text);
        builder.CloseElement();
        builder.CloseElement();
    };

    /// <summary><see cref="Chip"/> written as HTML (for rows written as one markup string).</summary>
    public static void WriteChip(HtmlWriter html, string text, Color color, Variant variant, string? extraClass = null,
        string? icon = null, string? title = null, string? testId = null)
    {
        html.Open("span").Attr("class", ChipClass(color, variant, extraClass)).Attr("title", title).Attr("data-testid", testId).EndStart();
        if (icon is not null) WriteIcon(html, icon, Color.Default, "mud-chip-icon");
        html.Open("span").Attr("class", "mud-chip-content").EndStart().Text(text).Close("span");
        html.Close("span");
    }

    /// <summary><see cref="Icon"/> written as HTML (for rows written as one markup string).</summary>
    public static void WriteIcon(HtmlWriter html, string svg, Color color = Color.Default, string? extraClass = null, Size size = Size.Small)
    {
        html.Open("svg").Attr("class", IconClass(color, extraClass, size)).Attr("focusable", "false").Attr("viewBox", "0 0 24 24")
            .Attr("aria-hidden", "true").EndStart();
        // The icon constants are MudBlazor's own SVG path markup, never user data.
        html.Raw(Drawn(svg)).Close("svg");
    }

    /// <summary><see cref="Icon"/> as one markup string (one render-tree frame instead of seven).</summary>
    public static MarkupString IconMarkup(string svg, Color color = Color.Default, string? extraClass = null, Size size = Size.Small)
    {
        var html = new HtmlWriter(svg.Length + 160);
        WriteIcon(html, svg, color, extraClass, size);
        return html.ToMarkup();
    }

    /// <summary>The inside of a <c>MudIconButton</c> (its label span and icon) as one markup string.</summary>
    public static MarkupString IconButtonLabelMarkup(string svg, Size size = Size.Small)
    {
        var html = new HtmlWriter(svg.Length + 200);
        html.Open("span").Attr("class", "mud-icon-button-label").EndStart();
        WriteIcon(html, svg, Color.Default, null, size);
        html.Close("span");
        return html.ToMarkup();
    }

    /// <summary>The classes <c>MudButton Variant="…" Size="…" Color="…"</c> renders on its button (or link).</summary>
    public static string ButtonClass(Variant variant, Color color, Size size)
    {
        var name = variant switch
        {
            Variant.Filled => "filled",
            Variant.Outlined => "outlined",
            _ => "text",
        };
        return $"mud-button-root mud-button mud-button-{name} mud-button-{name}-{ColorName(color)} mud-button-{name}-size-{SizeName(size)} mud-ripple";
    }

    /// <summary>The classes <c>MudButton Variant="Text" Size="Small" Color="…"</c> renders on its button (or link).</summary>
    public static string TextButtonClass(Color color) => ButtonClass(Variant.Text, color, Size.Small);

    /// <summary>The classes <c>MudButton Variant="Outlined" Color="…"</c> (medium) renders on its button (or link).</summary>
    public static string OutlinedButtonClass(Color color) => ButtonClass(Variant.Outlined, color, Size.Medium);

    /// <summary>The classes <c>MudIconButton Size="Small" Color="…"</c> renders on its button.</summary>
    public static string IconButtonClass(Color color) => IconButtonClass(color, Size.Small);

    /// <summary>The classes <c>MudIconButton Size="…" Color="…"</c> renders on its button (or link).</summary>
    public static string IconButtonClass(Color color, Size size)
    {
        var colorClass = color == Color.Default ? null : $" mud-{ColorName(color)}-text hover:mud-{ColorName(color)}-hover";
        var sizeClass = size == Size.Medium ? null : $" mud-icon-button-size-{SizeName(size)}";
        return $"mud-button-root mud-icon-button{colorClass} mud-ripple mud-ripple-icon{sizeClass}";
    }

    /// <summary>The inside of a <c>MudIconButton</c> (its label span and icon) for <paramref name="size"/>.</summary>
    public static RenderFragment IconButtonLabel(string svg, Size size) => builder =>
    {
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "class", "mud-icon-button-label");
        builder.OpenRegion(2);
        WriteIcon(builder, svg, Color.Default, null, size);
        builder.CloseRegion();
        builder.CloseElement();
    };

    private static void WriteIcon(RenderTreeBuilder builder, string svg, Color color, string? extraClass, Size size = Size.Small)
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", IconClass(color, extraClass, size));
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        // The icon constants are MudBlazor's own SVG path markup, never user data.
        builder.AddMarkupContent(5, Drawn(svg));
        builder.CloseElement();
    }

    private static readonly ConcurrentDictionary<string, string> DrawnIcons = new(StringComparer.Ordinal);

    /// <summary>
    /// An icon constant without the elements that draw nothing: MudBlazor's Material icons carry a <c>fill="none"</c>
    /// rect or path the size of the 24×24 box (the designer's bounding box) and attribute-less <c>&lt;g&gt;</c>
    /// wrappers, up to five of the six SVG elements of a row's icon. Each is a DOM node, a layout object and a paint
    /// step of the first frame for nothing (docs/decisions.md#critical-path). Only unstroked <c>fill="none"</c>
    /// elements go, and <c>&lt;g&gt;</c> wrappers only in icons without attributed groups, so what is drawn is the
    /// same. Cached per constant (the icons are a fixed set of MudBlazor's constants, never data).
    /// </summary>
    public static string Drawn(string svg) => DrawnIcons.GetOrAdd(svg, static icon =>
    {
        var drawn = Invisible().Replace(icon, "");
        return drawn.Contains("<g ", StringComparison.Ordinal) ? drawn : drawn.Replace("<g>", "", StringComparison.Ordinal).Replace("</g>", "", StringComparison.Ordinal);
    });

    [GeneratedRegex("""<(?:rect|path)\b(?![^>]*\bstroke)[^>]*\bfill="none"[^>]*/>""")]
    private static partial Regex Invisible();

    private static string IconClass(Color color, string? extraClass, Size size)
    {
        var colorClass = color == Color.Default ? null : $" mud-{ColorName(color)}-text";
        return $"mud-icon-root mud-svg-icon{colorClass} mud-icon-size-{SizeName(size)}{(extraClass is null ? null : " " + extraClass)}";
    }

    private static string ChipClass(Color color, Variant variant, string? extraClass) =>
        $"mud-chip {VariantClass(variant)} mud-chip-size-small mud-chip-color-{ColorName(color)} {extraClass}".TrimEnd();

    private static string SizeName(Size size) => size switch
    {
        Size.Medium => "medium",
        Size.Large => "large",
        _ => "small",
    };

    private static string VariantClass(Variant variant) => variant switch
    {
        Variant.Outlined => "mud-chip-outlined",
        Variant.Text => "mud-chip-text",
        _ => "mud-chip-filled",
    };

    /// <summary>MudBlazor's name for <paramref name="color"/> in its CSS classes (<c>mud-primary-text</c>, …).</summary>
    public static string ColorName(Color color) => color switch
    {
        Color.Default => "default",
        Color.Primary => "primary",
        Color.Secondary => "secondary",
        Color.Tertiary => "tertiary",
        Color.Info => "info",
        Color.Success => "success",
        Color.Warning => "warning",
        Color.Error => "error",
        Color.Dark => "dark",
        Color.Transparent => "transparent",
        Color.Inherit => "inherit",
        Color.Surface => "surface",
        _ => "default",
    };
}
