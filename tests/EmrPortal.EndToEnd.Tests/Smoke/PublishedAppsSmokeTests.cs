using System.Net;
using EmrPortal.EndToEnd.Tests.Infrastructure;

namespace EmrPortal.EndToEnd.Tests.Smoke;

/// <summary>
/// What the container images would do, proven on the publish output test.sh built with the Dockerfile's commands:
/// each app starts from its folder on a loopback port with only environment configuration, and its health answers
/// (the images carry no HEALTHCHECK: orchestrators probe these endpoints, see deploy/kubernetes).
/// </summary>
public sealed class PublishedAppsSmokeTests(PortalFixture portal)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Theory]
    [InlineData("Emulator")]
    [InlineData("Proxy")]
    [InlineData("Web")]
    public async Task Published_app_starts_on_a_loopback_port_and_answers_health_live(string app)
    {
        var running = App(app);

        using var response = await Http.GetAsync(new Uri(running.BaseAddress, "/health/live"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", running.BaseAddress.Host);
        Assert.False(running.Process.HasExited);
    }

    [Fact]
    public async Task Published_web_serves_a_non_empty_blazor_web_js_in_production()
    {
        var (status, length) = await PortalFixture.BlazorScriptAsync(App("Web").BaseAddress, TestContext.Current.CancellationToken);

        Assert.Equal(200, status);
        Assert.True(length > 10_000, $"blazor.web.js has {length} bytes");
    }

    [Theory]
    [InlineData("css/portal.css")]
    [InlineData("js/portal.js")]
    [InlineData("favicon.svg")]
    [InlineData("logo.svg")]
    public async Task Published_web_serves_the_top_level_wwwroot_files_with_their_content(string path)
    {
        // The files live in the repository's top-level wwwroot/; the Web project defines them as its static web assets.
        var expected = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "wwwroot", path), TestContext.Current.CancellationToken);

        using var response = await Http.GetAsync(new Uri(App("Web").BaseAddress, "/" + path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Published_web_serves_the_documents_assets_fingerprinted_compressed_and_immutable()
    {
        var ct = TestContext.Current.CancellationToken;
        var web = App("Web").BaseAddress;
        var html = await Http.GetStringAsync(new Uri(web, "/signin"), ct);
        // The stylesheets and the preloaded scripts (docs/decisions.md#critical-path), each by its fingerprinted URL.
        var urls = System.Text.RegularExpressions.Regex.Matches(html, """<link rel="(?:stylesheet|preload)"(?: as="(?:script|style)")? href="(?<url>[^"]+\.(?:css|js))"[^>]*>""")
            .Select(m => m.Groups["url"].Value).Distinct().ToList();
        Assert.True(urls.Count >= 5, string.Join(", ", urls));

        foreach (var url in urls)
        {
            Assert.Matches(@"\.[a-z0-9]{6,}\.(css|js)$", url);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(web, "/" + url));
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");
            using var response = await Http.SendAsync(request, ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("immutable", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
            // All of them compressed: MudBlazor's files are linked from the portal's own copy (lib/mudblazor), because
            // the SDK maps a package's fingerprinted URL without compressed variants (docs/decisions.md#critical-path).
            Assert.True(response.Content.Headers.ContentEncoding.Count > 0, $"{url} is served uncompressed");
        }
    }

    private RunningApp App(string app)
    {
        portal.EnsureRunning();
        return app switch
        {
            "Emulator" => portal.Emulator!,
            "Proxy" => portal.Proxy!,
            _ => portal.Web!,
        };
    }
}
