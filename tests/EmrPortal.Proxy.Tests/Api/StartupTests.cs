using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

public sealed class StartupTests
{
    private static async Task<Exception> StartFails(Dictionary<string, string?> settings)
    {
        await using var host = new ProxyHost(proxySettings: settings);
        return Assert.ThrowsAny<Exception>(() => host.Proxy.Server);
    }

    [Fact]
    public async Task Missing_cloud_credentials_fail_fast_with_a_clear_message()
    {
        var ex = await StartFails(new() { ["Emr:AccessKeySecret"] = "" });
        Assert.Contains("Emr:AccessKeySecret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credential_errors_never_echo_the_configured_values()
    {
        var ex = await StartFails(new() { ["Emr:AccessKeyId"] = "", ["Emr:AccessKeySecret"] = "SuperSecretValue-123" });
        Assert.Contains("Emr:AccessKeyId", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SuperSecretValue-123", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_mode_is_refused_when_entra_settings_are_present()
    {
        var ex = await StartFails(new() { ["AzureAd:ClientId"] = "00000000-0000-0000-0000-000000000001" });
        Assert.Contains("Demo is refused", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entra_mode_without_client_id_fails_fast()
    {
        var ex = await StartFails(new() { ["Authentication:Mode"] = "Entra" });
        Assert.Contains("AzureAd:ClientId", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_mode_needs_a_public_key()
    {
        var ex = await StartFails(new() { ["Authentication:Demo:PublicKeyPem"] = "" });
        Assert.Contains("PublicKeyPem", ex.ToString(), StringComparison.Ordinal);
    }
}
