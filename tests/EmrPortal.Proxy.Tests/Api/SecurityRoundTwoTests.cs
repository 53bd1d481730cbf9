using System.Net;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>Issue 18's low items on the proxy: the demo token cap counts from server time, the OpenAPI document is not anonymous in production.</summary>
public sealed class SecurityRoundTwoTests : IAsyncLifetime
{
    private readonly ProxyHost _host = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Demo_token_cap_counts_from_server_time_not_from_the_tokens_own_iat()
    {
        // iat and exp 5 minutes apart, so the token looks short-lived; but iat is 55 minutes ahead and nbf is now,
        // so it would be accepted for an hour.
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ProxyHost.Issuer,
            Audience = ProxyHost.Audience,
            IssuedAt = now.AddMinutes(55),
            NotBefore = now.AddSeconds(-5),
            Expires = now.AddMinutes(60),
            Claims = new Dictionary<string, object> { ["oid"] = "user-admin", ["name"] = "Ada Admin", ["roles"] = new[] { "Portal.Admin" }, ["scp"] = "access_as_user" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_host.SigningKey), SecurityAlgorithms.EcdsaSha256),
        });
        using var client = _host.Proxy.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);

        using var response = await client.GetAsync("/api/v1/me", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var ok = await _host.Client("admin").GetAsync("/api/v1/me", Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Theory]
    [InlineData("Production", null, false)]
    [InlineData("Production", "true", true)]
    [InlineData("Development", null, true)]
    public async Task OpenApi_document_is_anonymous_only_in_development_or_when_configured(string environment, string? allowAnonymous, bool anonymousAllowed)
    {
        await using var app = _host.Proxy.WithWebHostBuilder(b =>
        {
            b.UseEnvironment(environment);
            b.UseSetting("Authentication:Demo:AllowInProduction", "true");
            if (allowAnonymous is not null) b.UseSetting("OpenApi:AllowAnonymous", allowAnonymous);
        });
        using var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://proxy.test") });
        using var signedIn = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://proxy.test") });
        signedIn.DefaultRequestHeaders.Authorization = new("Bearer", _host.Token("viewer"));

        using var a = await anonymous.GetAsync("/openapi/v1.json", Ct);
        using var s = await signedIn.GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(anonymousAllowed ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, s.StatusCode);
        if (!anonymousAllowed)
        {
            Assert.DoesNotContain("/api/v1/workspaces", await a.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }
}

/// <summary>Names with bidi overrides and control characters are neutralised before they reach any answer.</summary>
public sealed class HostileNameTests : IAsyncLifetime
{
    private readonly ProxyHost _host = new(emulatorSettings: new Dictionary<string, string?> { ["Emulator:Seed:Hostile"] = "true" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Bidi_overrides_and_control_characters_in_names_are_neutralised_in_list_detail_and_csv()
    {
        var (list, listBody) = await _host.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions?pageSize=200&q=invoice");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var items = System.Text.Json.JsonDocument.Parse(listBody).RootElement.GetProperty("items");
        Assert.True(items.GetArrayLength() > 0, listBody);
        var session = items[0];
        Assert.Equal("invoice\uFFFDgnp.exe", session.GetProperty("name").GetString());
        Assert.Equal("admin\uFFFD", session.GetProperty("userName").GetString());

        var (_, detailBody) = await _host.GetAsync("admin", $"/api/v1/workspaces/w-analytics/sessions/{session.GetProperty("sessionClusterId").GetString()}");
        var summary = System.Text.Json.JsonDocument.Parse(detailBody).RootElement.GetProperty("summary");
        Assert.Equal("invoice\uFFFDgnp.exe", summary.GetProperty("name").GetString());
        var (_, csv) = await _host.GetAsync("admin", "/api/v1/workspaces/w-analytics/sessions.csv?q=invoice");
        foreach (var body in new[] { listBody, csv })
        {
            var decoded = System.Text.RegularExpressions.Regex.Unescape(body);
            Assert.DoesNotContain('\u202E', decoded);
        }

        Assert.Contains("invoice\uFFFDgnp.exe", csv, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain name", "plain name")]
    [InlineData("a\u202Eb\u2066c\u200Fd", "a\uFFFDb\uFFFDc\uFFFDd")]
    [InlineData("line\r\nbreak\0nul\u0085", "line\uFFFD\uFFFDbreak\uFFFDnul\uFFFD")]
    [InlineData("日本語の名前 ✓", "日本語の名前 ✓")]
    public void Display_text_keeps_ordinary_text_and_replaces_unsafe_characters(string input, string expected) =>
        Assert.Equal(expected, EmrPortal.Contracts.DisplayText.Neutralize(input));
}
