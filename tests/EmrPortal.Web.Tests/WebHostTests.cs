using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EmrPortal.Web.Tests;

/// <summary>The real Web host (demo mode, no proxy behind it): headers, sign-in redirects, static assets.</summary>
public sealed class WebHostFixture : WebApplicationFactory<WebApp>
{
    private readonly string _pem;

    public WebHostFixture()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _pem = key.ExportPkcs8PrivateKeyPem();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        // The build output (not a publish) serves framework and package assets through the static web assets manifest.
        builder.UseStaticWebAssets();
        builder.UseSetting("Authentication:Mode", "Demo");
        builder.UseSetting("Authentication:Demo:PrivateKeyPem", _pem);
        builder.UseSetting("Authentication:Demo:AllowInProduction", "true");
        builder.UseSetting("Proxy:BaseUrl", "http://127.0.0.1:9/");
    }
}

public sealed class WebHostTests(WebHostFixture factory) : IClassFixture<WebHostFixture>
{
    private HttpClient Client() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.test") });

    [Fact]
    public async Task First_page_carries_the_security_headers()
    {
        using var response = await Client().GetAsync("/signin", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.Contains("Permissions-Policy"));
        Assert.True(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Sign_in_page_lists_the_demo_users_under_a_demo_banner()
    {
        var html = await Client().GetStringAsync("/signin?returnUrl=%2Fsessions%3Fq%3Detl", TestContext.Current.CancellationToken);

        Assert.Contains("data-testid=\"demo-banner\"", html, StringComparison.Ordinal);
        foreach (var user in new[] { "admin", "viewer", "outsider" }) Assert.Contains($"data-testid=\"signin-as-{user}\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"returnUrl\" value=\"/sessions?q=etl\"", html, StringComparison.Ordinal);
        Assert.Contains("__RequestVerificationToken", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deep_link_while_signed_out_goes_to_sign_in_with_the_exact_link()
    {
        using var response = await Client().GetAsync("/workspaces/w-analytics/sessions?page=2&sort=name", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fworkspaces%2Fw-analytics%2Fsessions%3Fpage%3D2%26sort%3Dname", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Csv_export_needs_a_signed_in_user()
    {
        // An API-style endpoint: .NET 10's cookie handler answers 401 rather than redirecting a download; the browser
        // shows the portal's page for it, with a sign-in link that comes back to the export.
        using var response = await Client().GetAsync("/export/workspaces/w-analytics/sessions.csv?sort=name", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("text/csv", response.Content.Headers.ContentType?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Contains("Please sign in", html, StringComparison.Ordinal);
        Assert.Contains("/signin?returnUrl=%2Fexport%2Fworkspaces%2Fw-analytics%2Fsessions.csv%3Fsort%3Dname", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_endpoint_drops_an_absolute_return_url()
    {
        using var response = await Client().GetAsync("/authentication/login?returnUrl=https%3A%2F%2Fevil.example%2F", TestContext.Current.CancellationToken);
        Assert.Equal("/signin?returnUrl=%2F", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.js")]
    [InlineData("/css/portal.css")]
    [InlineData("/js/portal.js")]
    [InlineData("/logo.svg")]
    public async Task Static_assets_from_the_top_level_wwwroot_are_served_with_content(string path)
    {
        using var response = await Client().GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length > 100, $"{path} is empty");
    }
}
