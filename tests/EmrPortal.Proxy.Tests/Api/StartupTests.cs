using EmrPortal.Proxy;
using Microsoft.Extensions.DependencyInjection;
using EmrPortal.Proxy.Tests.Infrastructure;

namespace EmrPortal.Proxy.Tests.Api;

public sealed class StartupTests
{
    /// <summary>
    /// Starts the proxy, which must fail; returns the failure as thrown, followed by every exception the app logged.
    /// WebApplicationFactory races the app here: a failed start makes the app dispose its host, and when that wins the
    /// factory reports ObjectDisposedException ('IServiceProvider') instead of the app's error. The host logged the
    /// real error before it disposed anything.
    /// </summary>
    private static async Task<string> StartFails(Dictionary<string, string?> settings)
    {
        await using var host = new ProxyHost(proxySettings: settings);
        var thrown = Assert.ThrowsAny<Exception>(() => host.Proxy.Server);
        return string.Join(Environment.NewLine, host.Logs.Lines.Select(l => l.Exception).OfType<string>().Prepend(thrown.ToString()));
    }

    [Fact]
    public async Task Missing_cloud_credentials_fail_fast_with_a_clear_message()
    {
        var ex = await StartFails(new() { ["Emr:AccessKeySecret"] = "" });
        Assert.Contains("Emr:AccessKeySecret", ex, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credential_errors_never_echo_the_configured_values()
    {
        var ex = await StartFails(new() { ["Emr:AccessKeyId"] = "", ["Emr:AccessKeySecret"] = "SuperSecretValue-123" });
        Assert.Contains("Emr:AccessKeyId", ex, StringComparison.Ordinal);
        Assert.DoesNotContain("SuperSecretValue-123", ex, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_mode_is_refused_when_entra_settings_are_present()
    {
        var ex = await StartFails(new() { ["AzureAd:ClientId"] = "00000000-0000-0000-0000-000000000001" });
        Assert.Contains("Demo is refused", ex, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entra_mode_without_client_id_fails_fast()
    {
        var ex = await StartFails(new() { ["Authentication:Mode"] = "Entra" });
        Assert.Contains("AzureAd:ClientId", ex, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_mode_needs_a_public_key()
    {
        var ex = await StartFails(new() { ["Authentication:Demo:PublicKeyPem"] = "" });
        Assert.Contains("PublicKeyPem", ex, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_mode_is_refused_in_Production_unless_explicitly_allowed()
    {
        var ex = await StartFails(new() { ["environment"] = "Production" });
        Assert.Contains("refused when ASPNETCORE_ENVIRONMENT is Production", ex, StringComparison.Ordinal);
        Assert.Contains("Authentication:Demo:AllowInProduction", ex, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_mode_allowed_in_Production_starts_and_warns()
    {
        await using var host = new ProxyHost(proxySettings: new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Authentication:Demo:AllowInProduction"] = "true",
        });
        _ = host.Proxy.Server;

        Assert.Contains(host.Logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && l.Message.Contains("Demo sign-in is running in Production because Authentication:Demo:AllowInProduction=true", StringComparison.Ordinal)
            && l.Message.Contains("this proxy would trust anyone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Demo_cloud_user_mapping_is_not_in_the_production_settings()
    {
        await using var host = new ProxyHost(proxySettings: new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Authentication:Demo:AllowInProduction"] = "true",
        });
        var options = host.Proxy.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CloudIdentityOptions>>().Value;
        Assert.Empty(options.CloudUsers);
    }
}
