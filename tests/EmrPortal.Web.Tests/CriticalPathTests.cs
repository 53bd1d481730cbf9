using System.Text.RegularExpressions;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EmrPortal.Web.Tests;

/// <summary>
/// What stands between the document and its first rows: the only render-blocking request is the portal's small
/// stylesheet; MudBlazor's rules the page uses come inline, before the body, and its whole stylesheet is only
/// preloaded (rel="preload" as="style": fetched, not parsed before the body; the portal's script makes it a stylesheet
/// after the first frame; a noscript link for pages without script); every asset is linked by its fingerprinted URL;
/// the scripts the page needs to become interactive (Blazor, MudBlazor, the portal's) are preloaded from the head under
/// the same URLs the body runs them from, and no script precedes the body. (That the published app serves them
/// compressed and immutable is checked on the publish output: PublishedAppsSmokeTests; that the first paint looks as
/// with the whole sheet, in a browser: PrerenderTests.)
/// </summary>
public sealed partial class CriticalPathTests(WebHostFixture factory) : IClassFixture<WebHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.test") });

    private static readonly string[] Scripts = ["_framework/blazor.web", "lib/mudblazor/MudBlazor.min", "js/portal"];

    [Fact]
    public async Task The_document_blocks_on_the_portal_stylesheet_only_and_preloads_the_scripts_it_runs()
    {
        using var client = Client();
        var html = await client.GetStringAsync("/signin", Ct);
        var head = html[..html.IndexOf("</head>", StringComparison.Ordinal)];

        // Render-blocking: a stylesheet link without a media query that excludes the screen (a noscript link is
        // only a link when scripting is off).
        var blocking = Stylesheet().Matches(NoScript().Replace(head, "")).Where(m => !m.Value.Contains("media=\"print\"", StringComparison.Ordinal)).Select(m => m.Groups["url"].Value).ToList();
        var url = Assert.Single(blocking);
        Assert.Matches(Fingerprinted("css/portal", "css"), url);

        // MudBlazor's whole sheet: fingerprinted, preloaded as a style (not a stylesheet: a media="print" stylesheet is
        // still parsed as soon as it arrives, before the body), made a stylesheet by script; a noscript fallback.
        var deferred = Assert.Single(StylePreload().Matches(head));
        Assert.Matches(Fingerprinted("lib/mudblazor/MudBlazor.min", "css"), deferred.Groups["url"].Value);
        Assert.Contains("data-deferred-style", deferred.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(Stylesheet().Matches(NoScript().Replace(head, "")), m => m.Groups["url"].Value == deferred.Groups["url"].Value);
        Assert.Contains($"<noscript><link rel=\"stylesheet\" href=\"{deferred.Groups["url"].Value}\" /></noscript>", head, StringComparison.Ordinal);
        Assert.DoesNotContain("data-critical-source", html, StringComparison.Ordinal);

        // The MudBlazor rules the page uses, inline, before the deferred link (so the cascade order is unchanged).
        var critical = CriticalStyle().Match(head);
        Assert.True(critical.Success, "no inline critical styles in the head");
        Assert.True(critical.Index < deferred.Index);
        Assert.Contains(".mud-", critical.Groups["css"].Value, StringComparison.Ordinal);

        var preloaded = Preload().Matches(head).Select(m => m.Groups["url"].Value).ToList();
        var run = ScriptSrc().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        foreach (var script in Scripts)
        {
            var preload = Assert.Single(preloaded, u => Fingerprinted(script, "js").IsMatch(u));
            // The body runs the very URL the head preloaded (otherwise the browser fetches twice).
            Assert.Contains(preload, run);
        }
        // No script in the head: nothing but the portal's stylesheet holds the first paint.
        Assert.DoesNotContain("<script", head, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_inline_styles_hold_only_the_rules_the_page_uses()
    {
        using var client = Client();
        var html = await client.GetStringAsync("/signin", Ct);
        var css = CriticalStyle().Match(html).Groups["css"].Value;
        var whole = await client.GetStringAsync("/" + StylePreload().Match(html).Groups["url"].Value, Ct);

        // A rule of a component the sign-in page does not render is left out; the page is a small share of the sheet.
        var tableRow = new Regex(@"(?<![\w-])\.mud-table-row\{");
        Assert.Matches(tableRow, whole);
        Assert.DoesNotMatch(tableRow, css);
        Assert.True(css.Length * 5 < whole.Length, $"inline {css.Length:N0} chars of {whole.Length:N0}");
        foreach (var used in CriticalCss.ClassesIn(html).Where(c => c.StartsWith("mud-", StringComparison.Ordinal) && whole.Contains("." + c + "{", StringComparison.Ordinal)))
        {
            Assert.Contains("." + used, css, StringComparison.Ordinal);
        }
    }

    /// <summary>The asset's path with a fingerprint before its extension, e.g. <c>css/portal.k3j5l2m9x1.css</c>.</summary>
    private static Regex Fingerprinted(string path, string extension) =>
        new($"^{Regex.Escape(path)}\\.[a-z0-9]{{6,}}\\.{extension}$", RegexOptions.CultureInvariant);

    [GeneratedRegex("""<link rel="stylesheet" href="(?<url>[^"]+)"[^>]*>""")]
    private static partial Regex Stylesheet();

    [GeneratedRegex("""<link rel="preload" as="style" href="(?<url>[^"]+)"[^>]*>""")]
    private static partial Regex StylePreload();

    [GeneratedRegex("""<style data-critical-styles>(?<css>.*?)</style>""", RegexOptions.Singleline)]
    private static partial Regex CriticalStyle();

    [GeneratedRegex("<noscript>.*?</noscript>", RegexOptions.Singleline)]
    private static partial Regex NoScript();

    [GeneratedRegex("""<link rel="preload" as="script" href="(?<url>[^"]+)"[^>]*>""")]
    private static partial Regex Preload();

    [GeneratedRegex("""<script src="(?<url>[^"]+)"[^>]*>""")]
    private static partial Regex ScriptSrc();
}

/// <summary>The selection of rules by the classes a document uses (<see cref="CriticalCss"/>).</summary>
public sealed class CriticalCssTests
{
    private static string For(string css, params string[] classes) => new CriticalCss(css).For(classes.ToHashSet(StringComparer.Ordinal));

    [Fact]
    public void A_rule_is_kept_when_one_of_its_selectors_has_all_its_classes_in_the_document()
    {
        const string css = ".a .b{color:red}.c,.a>.d{margin:0}.e.f{padding:0}";

        Assert.Equal(".a .b{color:red}", For(css, "a", "b"));
        Assert.Equal(".c,.a>.d{margin:0}", For(css, "a", "d"));
        Assert.Equal("", For(css, "e"));
        Assert.Equal(".e.f{padding:0}", For(css, "e", "f"));
    }

    [Fact]
    public void Classes_inside_functional_pseudo_classes_and_attribute_selectors_are_not_required()
    {
        const string css = ".a:not(.z){x:1}.b:is(.y,.w) .c{x:2}.d[data-x=\".q\"]{x:3}";

        Assert.Equal(".a:not(.z){x:1}.b:is(.y,.w) .c{x:2}.d[data-x=\".q\"]{x:3}", For(css, "a", "b", "c", "d"));
    }

    [Fact]
    public void Rules_without_classes_and_other_at_rules_are_kept_and_conditional_groups_keep_only_used_rules()
    {
        const string css = "/* c */html{a:1}:root{--v:1}@keyframes spin{from{b:0}to{b:1}}@font-face{font-family:x}" +
                           "@media (min-width:600px){.a{c:1}.z{c:2}}@media print{.z{d:1}}@supports (display:grid){@media screen{.a{e:1}}}";

        Assert.Equal("html{a:1}:root{--v:1}@keyframes spin{from{b:0}to{b:1}}@font-face{font-family:x}" +
                     "@media (min-width:600px){.a{c:1}}@supports (display:grid){@media screen{.a{e:1}}}", For(css, "a"));
    }

    [Fact]
    public void Strings_escapes_and_braces_in_values_do_not_confuse_the_parser()
    {
        const string css = ".a::before{content:\"}{\"}.w-1\\/2{width:50%}.b{background:url(data:image/png;base64,AA==)}";

        Assert.Equal(".a::before{content:\"}{\"}", For(css, "a"));
        Assert.Equal(".w-1\\/2{width:50%}", For(css, "w-1/2"));
        Assert.Equal(".b{background:url(data:image/png;base64,AA==)}", For(css, "b"));
    }

    [Fact]
    public void The_classes_of_a_document_are_read_from_its_class_attributes()
    {
        var classes = CriticalCss.ClassesIn("<div class=\"a  b\"><span class=\"c&amp;d\">x class=\"no\"</span></div>");

        Assert.Equal(["a", "b", "c&d", "no"], classes.Order(StringComparer.Ordinal));
    }
}
