using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;

namespace EmrPortal.Web.Components.Common;

/// <summary>
/// Writes HTML the way Blazor renders elements: attribute values and text are encoded with
/// <see cref="HtmlEncoder.Default"/> (as the prerenderer does), a null attribute value leaves the attribute out, a
/// false flag too. For static parts of table rows written as one <see cref="MarkupString"/> instead of one render-tree
/// frame per element, attribute and text (docs/decisions.md, "Rows are markup, not components").
/// Only <see cref="Raw"/> writes unencoded text, and it is for the portal's own constants (MudBlazor's icon paths).
/// </summary>
public sealed class HtmlWriter
{
    private readonly StringBuilder _html;
    private readonly StringWriter _writer;

    public HtmlWriter(int capacity = 1024)
    {
        _html = new StringBuilder(capacity);
        _writer = new StringWriter(_html, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Starts an element's start tag; add attributes, then <see cref="EndStart"/>.</summary>
    public HtmlWriter Open(string tag)
    {
        _html.Append('<').Append(tag);
        return this;
    }

    /// <summary>An attribute with an encoded value; none when <paramref name="value"/> is null.</summary>
    public HtmlWriter Attr(string name, string? value)
    {
        if (value is null) return this;
        _html.Append(' ').Append(name).Append("=\"");
        HtmlEncoder.Default.Encode(_writer, value);
        _html.Append('"');
        return this;
    }

    /// <summary>A boolean attribute, present only when <paramref name="on"/>.</summary>
    public HtmlWriter Flag(string name, bool on)
    {
        if (on) _html.Append(' ').Append(name);
        return this;
    }

    public HtmlWriter EndStart()
    {
        _html.Append('>');
        return this;
    }

    /// <summary>Encoded text content; nothing when null.</summary>
    public HtmlWriter Text(string? value)
    {
        if (!string.IsNullOrEmpty(value)) HtmlEncoder.Default.Encode(_writer, value);
        return this;
    }

    /// <summary>Markup written as is: only for the portal's own constants, never for data.</summary>
    public HtmlWriter Raw(string markup)
    {
        _html.Append(markup);
        return this;
    }

    public HtmlWriter Close(string tag)
    {
        _html.Append("</").Append(tag).Append('>');
        return this;
    }

    public int Length => _html.Length;

    public void Clear() => _html.Clear();

    /// <summary>What was written since the last <see cref="Clear"/>, as one markup frame's content.</summary>
    public MarkupString ToMarkup() => new(_html.ToString());

    public override string ToString() => _html.ToString();
}
