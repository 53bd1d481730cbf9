using System.Net;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>With <c>AllowedHosts</c> named (the production overlay does), a request for any other Host is a 400 that echoes nothing.</summary>
public sealed class AllowedHostsTests : IAsyncLifetime
{
    private readonly ProxyHost _host = new(proxySettings: new Dictionary<string, string?> { ["AllowedHosts"] = "emrportal-proxy;localhost" });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/me")]
    [InlineData("/health/live")]
    [InlineData("/openapi/v1.json")]
    public async Task A_foreign_host_header_is_400_and_not_echoed(string path)
    {
        using var named = _host.Client("admin");
        named.BaseAddress = new Uri("http://emrportal-proxy");
        using var foreign = _host.Client("admin");
        foreign.BaseAddress = new Uri("http://attacker.example.test");

        using var ok = await named.GetAsync(path, TestContext.Current.CancellationToken);
        using var refused = await foreign.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.BadRequest, ok.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("attacker", body, StringComparison.OrdinalIgnoreCase);
    }
}
