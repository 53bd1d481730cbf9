using System.Net;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// The proxy's security headers on every kind of answer: success, every 4xx the API produces, upstream 502/503 (written
/// by the exception handler, which clears the response first), health and OpenAPI. HSTS only outside Development.
/// </summary>
public sealed class ProxySecurityHeadersTests : IAsyncLifetime
{
    private readonly ProxyHost _host = new(
        proxySettings: new Dictionary<string, string?> { ["Emr:MaxAttempts"] = "1", ["RateLimiting:Burst"] = "40", ["RateLimiting:PermitsPerSecond"] = "1" },
        emulatorSettings: new Dictionary<string, string?> { ["Emulator:Faults:Throttling:Enabled"] = "false" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Theory]
    [InlineData("Development", false)]
    [InlineData("Production", true)]
    public async Task Every_kind_of_answer_carries_the_headers(string environment, bool hsts)
    {
        // Demo tokens in Production need the explicit allowance a throw-away demo installation sets.
        await using var app = _host.Proxy.WithWebHostBuilder(b => b.UseEnvironment(environment).UseSetting("Authentication:Demo:AllowInProduction", "true"));
        var responses = new List<(string What, HttpResponseMessage Response)>();

        async Task Send(string what, string? user, HttpMethod method, string path)
        {
            using var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://proxy.example.test") });
            using var request = new HttpRequestMessage(method, path);
            if (user is not null) request.Headers.Authorization = new("Bearer", _host.Token(user));
            var response = await client.SendAsync(request, Ct);
            await response.Content.LoadIntoBufferAsync(Ct);
            responses.Add((what, response));
        }

        await Send("200", "admin", HttpMethod.Get, "/api/v1/workspaces/w-finance/sessions");
        // A session the snapshot holds: its detail goes upstream (an unknown id is answered 404 from the snapshot).
        var known = System.Text.Json.JsonDocument.Parse(await responses[0].Response.Content.ReadAsStringAsync(Ct))
            .RootElement.GetProperty("items")[0].GetProperty("sessionClusterId").GetString();
        await Send("401", null, HttpMethod.Get, "/api/v1/me");
        await Send("403", "outsider", HttpMethod.Get, "/api/v1/workspaces/w-finance/sessions");
        await Send("404 route", "admin", HttpMethod.Get, "/api/v1/nope");
        await Send("404 session", "admin", HttpMethod.Get, "/api/v1/workspaces/w-finance/sessions/sc-0000000000000000");
        await Send("405", "admin", HttpMethod.Delete, "/api/v1/workspaces");
        await Send("400 id", "admin", HttpMethod.Get, "/api/v1/workspaces/bad.id/sessions");
        await Send("400 repeat", "admin", HttpMethod.Get, "/api/v1/workspaces/w-finance/sessions?q=a&q=b");
        await Send("health", null, HttpMethod.Get, "/health/live");
        await Send("openapi", null, HttpMethod.Get, "/openapi/v1.json");
        await _host.EmulatorAdminAsync("PUT", "/admin/faults", """{"errorRate":1.0}""");
        await Send("503", "admin", HttpMethod.Get, "/api/v1/workspaces/w-marketing/sessions");
        await _host.EmulatorAdminAsync("PUT", "/admin/faults", """{"errorRate":0.0,"credentialsRevoked":true}""");
        await Send("502", "admin", HttpMethod.Get, $"/api/v1/workspaces/w-finance/sessions/{known}");
        await _host.EmulatorAdminAsync("PUT", "/admin/faults", """{"credentialsRevoked":false}""");
        for (var i = 0; i < 45; i++) await Send("429?", "viewer", HttpMethod.Get, "/api/v1/me");

        Assert.Contains(responses, r => r.Response.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Contains(responses, r => r.Response.StatusCode == HttpStatusCode.BadGateway);
        Assert.Contains(responses, r => r.Response.StatusCode == HttpStatusCode.TooManyRequests);
        foreach (var (what, response) in responses)
        {
            var label = $"{environment} {what} → {(int)response.StatusCode}";
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp), $"{label}: no CSP");
            Assert.Contains("default-src 'none'", csp.Single(), StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp.Single(), StringComparison.Ordinal);
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", $"{label}: nosniff");
            Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer) && referrer.Single() == "no-referrer", $"{label}: Referrer-Policy");
            Assert.True(response.Headers.Contains("Permissions-Policy"), $"{label}: no Permissions-Policy");
            Assert.True(response.Headers.Contains("Strict-Transport-Security") == hsts, $"{label}: HSTS expected {hsts}");
            if (response.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/api", StringComparison.Ordinal))
            {
                Assert.True(response.Headers.CacheControl?.NoStore == true, $"{label}: Cache-Control no-store");
            }

            response.Dispose();
        }
    }
}
