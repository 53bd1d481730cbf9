using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EmrPortal.Web.Tests;

/// <summary>
/// What stands between the document and its first rows: only the two stylesheets block rendering; every asset is
/// linked by its fingerprinted URL; the scripts the page needs to become interactive (Blazor, MudBlazor, the portal's)
/// are preloaded from the head under the same URLs the body runs them from. (That the published app serves them
/// compressed and immutable is checked on the publish output: PublishedAppsSmokeTests.)
/// </summary>
public sealed partial class CriticalPathTests(WebHostFixture factory) : IClassFixture<WebHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.test") });

    private static readonly string[] Scripts = ["_framework/blazor.web", "_content/MudBlazor/MudBlazor.min", "js/portal"];

    [Fact]
    public async Task The_document_links_fingerprinted_assets_and_preloads_the_scripts_it_runs()
    {
        using var client = Client();
        var html = await client.GetStringAsync("/signin", Ct);
        var head = html[..html.IndexOf("</head>", StringComparison.Ordinal)];

        var stylesheets = Stylesheet().Matches(head).Select(m => m.Groups["url"].Value).ToList();
        Assert.Equal(2, stylesheets.Count);
        Assert.Matches(Fingerprinted("_content/MudBlazor/MudBlazor.min", "css"), stylesheets[0]);
        Assert.Matches(Fingerprinted("css/portal", "css"), stylesheets[1]);

        var preloaded = Preload().Matches(head).Select(m => m.Groups["url"].Value).ToList();
        var run = ScriptSrc().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        foreach (var script in Scripts)
        {
            var url = Assert.Single(preloaded, u => Fingerprinted(script, "js").IsMatch(u));
            // The body runs the very URL the head preloaded (otherwise the browser fetches twice).
            Assert.Contains(url, run);
        }
        // No script in the head: nothing but the stylesheets holds the first paint.
        Assert.DoesNotContain("<script", head, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The asset's path with a fingerprint before its extension, e.g. <c>css/portal.k3j5l2m9x1.css</c>.</summary>
    private static Regex Fingerprinted(string path, string extension) =>
        new($"^{Regex.Escape(path)}\\.[a-z0-9]{{6,}}\\.{extension}$", RegexOptions.CultureInvariant);

    [GeneratedRegex("""<link rel="stylesheet" href="(?<url>[^"]+)"[^>]*>""")]
    private static partial Regex Stylesheet();

    [GeneratedRegex("""<link rel="preload" as="script" href="(?<url>[^"]+)"[^>]*>""")]
    private static partial Regex Preload();

    [GeneratedRegex("""<script src="(?<url>[^"]+)"[^>]*>""")]
    private static partial Regex ScriptSrc();
}
