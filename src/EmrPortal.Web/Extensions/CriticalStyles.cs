using System.Text;
using System.Text.RegularExpressions;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components.Endpoints;

namespace EmrPortal.Web.Extensions;

/// <summary>
/// MudBlazor's stylesheet (~640 KB) is the first paint's largest cost: the browser parses all of it, indexes its rules
/// and matches every element against them before it can draw a single row. Each rendered page therefore carries, inline
/// in its head, only the MudBlazor rules its own markup can use (<see cref="CriticalCss"/>), and preloads the whole
/// sheet (<c>rel="preload" as="style"</c>: fetched, not parsed); the portal's script makes it a stylesheet after the
/// first frame (and again after an enhanced navigation), when it changes nothing that is already on screen. A
/// <c>media="print"</c> stylesheet link is not enough: the browser parses it as soon as it arrives (from the memory
/// cache, at once) on the main thread, before the body. docs/decisions.md#critical-path.
/// </summary>
public sealed partial class CriticalStyles
{
    /// <summary>The attribute App.razor marks MudBlazor's stylesheet link with.</summary>
    public const string SourceAttribute = "data-critical-source";

    private readonly Lazy<CriticalCss?> _sheet;

    public CriticalStyles(IWebHostEnvironment environment, ILogger<CriticalStyles> logger)
    {
        _sheet = new Lazy<CriticalCss?>(() =>
        {
            var file = environment.WebRootFileProvider.GetFileInfo(StylesheetPath);
            if (!file.Exists)
            {
                LogMissing(logger, StylesheetPath);
                return null;
            }

            using var reader = new StreamReader(file.CreateReadStream(), Encoding.UTF8);
            return new CriticalCss(reader.ReadToEnd());
        });
    }

    /// <summary>MudBlazor's stylesheet, as the app serves it (App.razor links it by this path).</summary>
    public const string StylesheetPath = "lib/mudblazor/MudBlazor.min.css";

    public bool Available => _sheet.Value is not null;

    /// <summary>
    /// The document with MudBlazor's marked stylesheet link replaced by the rules the document uses and a preload of
    /// the whole sheet; false when the document has no marked link (nothing to do).
    /// </summary>
    public bool TryRewrite(string html, out string rewritten)
    {
        rewritten = html;
        var sheet = _sheet.Value;
        var link = MarkedLink().Match(html);
        if (sheet is null || !link.Success) return false;

        var css = sheet.For(CriticalCss.ClassesIn(html));
        var href = link.Groups["href"].Value;
        var sb = new StringBuilder(html.Length + css.Length + 256);
        sb.Append(html, 0, link.Index)
            .Append("<style data-critical-styles>").Append(css.Replace("</", "<\\/", StringComparison.Ordinal)).Append("</style>")
            .Append("<link rel=\"preload\" as=\"style\" href=\"").Append(href).Append("\" data-deferred-style />")
            .Append("<noscript><link rel=\"stylesheet\" href=\"").Append(href).Append("\" /></noscript>")
            .Append(html, link.Index + link.Length, html.Length - link.Index - link.Length);
        rewritten = sb.ToString();
        return true;
    }

    [GeneratedRegex("""<link rel="stylesheet" href="(?<href>[^"]+)" data-critical-source(?:="[^"]*")?\s*/?>""")]
    private static partial Regex MarkedLink();

    [LoggerMessage(Level = LogLevel.Warning, Message = "MudBlazor's stylesheet {Path} is not in the web root: pages link it render-blocking, without critical styles.")]
    private static partial void LogMissing(ILogger logger, string path);
}

/// <summary>Applies <see cref="CriticalStyles"/> to the documents the app's Razor components render (GET only).</summary>
public sealed class CriticalStylesMiddleware(RequestDelegate next, CriticalStyles styles)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method)
            || context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is null
            || !styles.Available)
        {
            await next(context);
            return;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
            && styles.TryRewrite(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), out var html))
        {
            var bytes = Encoding.UTF8.GetBytes(html);
            if (!context.Response.HasStarted) context.Response.ContentLength = bytes.Length;
            await original.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }
}
