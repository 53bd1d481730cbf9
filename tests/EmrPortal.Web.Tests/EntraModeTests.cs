using EmrPortal.Web.Extensions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace EmrPortal.Web.Tests;

/// <summary>Start-up rules around the sign-in mode, and the CSP the Entra sign-in needs.</summary>
public sealed class EntraModeTests(WebHostFixture factory) : IClassFixture<WebHostFixture>
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Demo_mode_is_refused_in_Production_unless_explicitly_allowed()
    {
        using var refused = factory.WithWebHostBuilder(b => b.UseSetting("Authentication:Demo:AllowInProduction", "false"));

        var ex = Assert.ThrowsAny<Exception>(() => refused.Server);

        Assert.Contains("refused when ASPNETCORE_ENVIRONMENT is Production", ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("Authentication:Demo:AllowInProduction", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_mode_is_not_refused_in_Development()
    {
        using var development = factory.WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("Authentication:Demo:AllowInProduction", "false");
        });

        Assert.NotNull(development.Server);
    }

    [Fact]
    public void Csp_lets_forms_lead_to_the_entra_sign_in_origin_and_nowhere_else()
    {
        var policy = SecurityHeadersMiddleware.PolicyFor(SecurityHeadersMiddleware.SignInOrigins(Config()));

        Assert.Contains("form-action 'self' https://login.microsoftonline.com;", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public void Csp_form_action_follows_the_configured_instance_and_sign_in_page_origins()
    {
        var policy = SecurityHeadersMiddleware.PolicyFor(SecurityHeadersMiddleware.SignInOrigins(Config(
            ("AzureAd:Instance", "https://login.microsoftonline.us/"),
            ("Authentication:SignInPageOrigins:0", "http://localhost:5183"),
            ("Authentication:SignInPageOrigins:1", "javascript:alert(1)"))));

        Assert.Contains("form-action 'self' https://login.microsoftonline.us http://localhost:5183;", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript", policy, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_mode_keeps_form_action_to_self()
    {
        Assert.Equal(SecurityHeadersMiddleware.ContentSecurityPolicy, SecurityHeadersMiddleware.PolicyFor([]));
    }
}
