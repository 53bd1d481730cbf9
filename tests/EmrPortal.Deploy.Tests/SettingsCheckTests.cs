using EmrPortal.Deploy.Tests.Infrastructure;

namespace EmrPortal.Deploy.Tests;

/// <summary>The checks themselves: they must fail on what they are meant to catch.</summary>
public sealed class SettingsCheckTests
{
    [Theory]
    [InlineData("Snapshots__FreshTtl", "00:00:30")]
    [InlineData("UpstreamQuota__PerApi__ListSessionClusters", "10")]
    [InlineData("Access__Workspaces__w-analytics__0", "grp-analytics")]
    [InlineData("Emr__RegionId", "cn-hangzhou")]
    [InlineData("Portal__Retention__Audit", "400.00:00:00")]
    [InlineData("AzureAd__TenantId", "00000000-0000-0000-0000-000000000000")]
    [InlineData("AzureAd__Audience", "api://emrportal-proxy")]
    [InlineData("Authentication__Mode", "Entra")]
    [InlineData("Authentication__AppPermissions__0", "Portal.Admin")]
    [InlineData("ASPNETCORE_HTTP_PORTS", "8080")]
    public void Proxy_accepts_the_settings_it_reads(string name, string value)
    {
        Assert.Null(AppSettingsSchema.Proxy.Check(new Setting(name, value, "test")));
    }

    [Theory]
    [InlineData("Snapshots__FreshTTLSeconds", "30")]          // renamed property
    [InlineData("Snapshot__FreshTtl", "00:00:30")]            // renamed section
    [InlineData("Snapshots__FreshTtl", "half a minute")]      // not a TimeSpan
    [InlineData("Snapshots__FreshTtl", "02:00:00")]           // outside [Range]
    [InlineData("UpstreamQuota__Burst", "0")]                 // outside [Range]
    [InlineData("Emr__AccessKeyID__Value", "x")]              // a value, not an object
    [InlineData("Authentication__Mode", "Basic")]             // not a mode
    [InlineData("Proxy__BaseUrl", "http://x")]                // the web's setting, not the proxy's
    [InlineData("ConnectionStrings__postgres", "Host=db")]    // the proxy reads portaldb
    public void Proxy_refuses_what_it_would_not_read(string name, string value)
    {
        Assert.NotNull(AppSettingsSchema.Proxy.Check(new Setting(name, value, "test")));
    }

    [Theory]
    [InlineData("Proxy__Scopes__0", "api://emrportal-proxy/access_as_user", true)]
    [InlineData("Proxy__BaseUrl", "http://emrportal-proxy", true)]
    [InlineData("Authentication__IdleTimeout", "00:30:00", true)]
    [InlineData("AzureAd__ClientSecret", null, true)]
    [InlineData("AzureAd__CallbackPath", "/signin-oidc", true)]
    [InlineData("DataProtection__CertificatePath", "/x/certificate.pfx", true)]
    [InlineData("Proxy__Timeout", "00:00:00.5", false)]
    [InlineData("Proxy__Url", "http://emrportal-proxy", false)]
    [InlineData("DataProtection__Certificate", "/x/certificate.pfx", false)]
    public void Web_settings_are_checked_against_its_options(string name, string? value, bool accepted)
    {
        Assert.Equal(accepted, AppSettingsSchema.Web.Check(new Setting(name, value, "test")) is null);
    }

    [Theory]
    [InlineData("Emr__AccessKeySecret", "s3cr3t")]
    [InlineData("AzureAd__ClientSecret", "abc")]
    [InlineData("Authentication__Demo__PrivateKeyPem", "x")]
    [InlineData("ConnectionStrings__redis", "redis:6379")]
    [InlineData("Something", "Host=db;Username=portal;Password=hunter2")]
    [InlineData("Something", "-----BEGIN PRIVATE KEY-----\nMIG...")]
    [InlineData("Something", "LTAI5tAbCdEfGhIjKlMn")]
    [InlineData("Something", "kq3Zr8vX1mP0sT7wYb4Nc6Hd2Jf9Lg5QeRuAoIiKs")]
    public void Secret_looking_settings_are_recognised(string key, string value)
    {
        Assert.NotNull(SecretHeuristics.Reason(key, value));
    }

    [Theory]
    [InlineData("Emr__CredentialsDirectory", "/var/run/secrets/emrportal/cloud")]
    [InlineData("AzureAd__TenantId", "00000000-0000-0000-0000-000000000000")]
    [InlineData("Proxy__Scopes__0", "api://emrportal-proxy/access_as_user")]
    [InlineData("Authentication__Demo__TokenLifetime", "00:05:00")]
    [InlineData("UpstreamQuota__PermitsPerSecond", "20")]
    public void Plain_settings_are_not_taken_for_secrets(string key, string value)
    {
        Assert.Null(SecretHeuristics.Reason(key, value));
    }
}
