using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EmrPortal.Web.Tests;

/// <summary>The Web host as <c>dotnet run</c> starts it on a fresh clone: Development, static web assets from the
/// build manifest, the portal's files read from the repository's top-level wwwroot/ (no copy, no symlink).</summary>
public sealed class DevelopmentWebHostFixture : WebApplicationFactory<WebApp>
{
    private readonly string _pem;

    public DevelopmentWebHostFixture()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _pem = key.ExportPkcs8PrivateKeyPem();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development turns static web assets on by itself; nothing here helps it find the files.
        builder.UseEnvironment("Development");
        builder.UseSetting("Authentication:Mode", "Demo");
        builder.UseSetting("Authentication:Demo:PrivateKeyPem", _pem);
        builder.UseSetting("Proxy:BaseUrl", "http://127.0.0.1:9/");
    }
}

public sealed partial class StaticAssetsTests(DevelopmentWebHostFixture factory) : IClassFixture<DevelopmentWebHostFixture>
{
    private static readonly string TopLevelWebRoot = FindTopLevelWebRoot();

    [Theory]
    [InlineData("css/portal.css")]
    [InlineData("js/portal.js")]
    [InlineData("favicon.svg")]
    [InlineData("logo.svg")]
    public async Task Development_serves_the_top_level_wwwroot_files_with_their_content(string path)
    {
        using var client = factory.CreateClient();

        var body = await client.GetByteArrayAsync("/" + path, TestContext.Current.CancellationToken);

        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(TopLevelWebRoot, path), TestContext.Current.CancellationToken), body);
    }

    [Fact]
    public async Task Development_page_links_fingerprinted_assets_that_are_served_with_content()
    {
        using var client = factory.CreateClient();
        var html = await client.GetStringAsync("/signin", TestContext.Current.CancellationToken);

        var links = AssetLink().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        // The page's own css and js, the favicon, and the framework script the page needs to become interactive.
        Assert.Contains(links, l => l.StartsWith("css/portal.", StringComparison.Ordinal) && l.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(links, l => l.StartsWith("js/portal.", StringComparison.Ordinal) && l.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(links, l => l.StartsWith("favicon.", StringComparison.Ordinal));
        Assert.Contains(links, l => l.StartsWith("_framework/blazor.web.", StringComparison.Ordinal));
        foreach (var link in links)
        {
            using var response = await client.GetAsync("/" + link, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            Assert.True(body.Length > 100, $"{link} is served with {body.Length} bytes");
        }
    }

    [Fact]
    public void Web_project_has_no_wwwroot_of_its_own()
    {
        // The files are defined as static web assets by the project file; a link or copy here would hide a broken build.
        var project = Path.Combine(TopLevelWebRoot, "..", "src", "EmrPortal.Web");
        Assert.True(Directory.Exists(project));
        Assert.False(Path.Exists(Path.Combine(project, "wwwroot")));
    }

    private static string FindTopLevelWebRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EmrPortal.sln"))) return Path.Combine(dir.FullName, "wwwroot");
        }
        throw new InvalidOperationException("The repository root (EmrPortal.sln) is not above the test's output folder.");
    }

    [GeneratedRegex("""(?:href|src)="(?<url>(?:css|js|_framework)/[^"]+|favicon\.[^"]+)"[^>]*>""")]
    private static partial Regex AssetLink();
}
