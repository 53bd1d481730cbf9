using System.Net;
using EmrPortal.Emulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EmrPortal.Emulator.Tests.Infrastructure;

/// <summary>
/// The emulator in-process. Defaults for tests: two small workspaces, throttling off, extra keys (the reference's
/// vector key, an STS key, a disabled key, an expired STS key). Pass settings to override, a fake clock to drive time,
/// or <c>appDefaults</c> to run exactly what <c>dotnet run</c> runs.
/// </summary>
public sealed class EmulatorFactory(IDictionary<string, string?>? settings = null, FakeTimeProvider? clock = null, bool appDefaults = false)
    : WebApplicationFactory<EmulatorApp>
{
    /// <summary>Header the test pipeline reads to pretend the caller is at another address (admin loopback tests).</summary>
    public const string RemoteIpHeader = "X-Test-Remote-Ip";

    public static readonly SigningKey DemoKey = new("LTAI5tEmrPortalDemoKey", "EmrPortalDemoSecret-NotForProduction");
    public static readonly SigningKey VectorKey = new("YourAccessKeyId", "YourAccessKeySecret");
    public static readonly SigningKey StsKey = new("STS.NTestTemporaryKey", "sts-secret-value", "sts-token-value-CAIS");
    public static readonly SigningKey DisabledKey = new("LTAI5tDisabledKey", "disabled-secret");
    public static readonly SigningKey ExpiredStsKey = new("STS.NExpiredKey", "expired-secret", "expired-token-value");

    public FakeTimeProvider? Clock { get; } = clock;

    public static Dictionary<string, string?> DefaultSettings() => new()
    {
        ["Emulator:Seed:Workspaces:0:Id"] = "w-test",
        ["Emulator:Seed:Workspaces:0:Name"] = "Test",
        ["Emulator:Seed:Workspaces:0:Sessions"] = "45",
        ["Emulator:Seed:Workspaces:1:Id"] = "w-other",
        ["Emulator:Seed:Workspaces:1:Name"] = "Other",
        ["Emulator:Seed:Workspaces:1:Sessions"] = "7",
        ["Emulator:Faults:Throttling:Enabled"] = "false",
        ["Emulator:AccessKeys:1:AccessKeyId"] = VectorKey.AccessKeyId,
        ["Emulator:AccessKeys:1:AccessKeySecret"] = VectorKey.Secret,
        ["Emulator:AccessKeys:2:AccessKeyId"] = StsKey.AccessKeyId,
        ["Emulator:AccessKeys:2:AccessKeySecret"] = StsKey.Secret,
        ["Emulator:AccessKeys:2:SecurityToken"] = StsKey.SecurityToken,
        ["Emulator:AccessKeys:3:AccessKeyId"] = DisabledKey.AccessKeyId,
        ["Emulator:AccessKeys:3:AccessKeySecret"] = DisabledKey.Secret,
        ["Emulator:AccessKeys:3:Disabled"] = "true",
        ["Emulator:AccessKeys:4:AccessKeyId"] = ExpiredStsKey.AccessKeyId,
        ["Emulator:AccessKeys:4:AccessKeySecret"] = ExpiredStsKey.Secret,
        ["Emulator:AccessKeys:4:SecurityToken"] = ExpiredStsKey.SecurityToken,
        ["Emulator:AccessKeys:4:SecurityTokenExpiresAt"] = "2001-01-01T00:00:00Z",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Emulator:StartSeconds"] = "8",
        ["Emulator:StopSeconds"] = "4",
    };

    /// <summary>Now, as the emulator sees it.</summary>
    public DateTimeOffset Now => Clock?.GetUtcNow() ?? DateTimeOffset.UtcNow;

    public HttpRequestMessage Get(string pathAndQuery, string action, SigningKey? key = null) =>
        TestSigner.Get(pathAndQuery, action, key ?? DemoKey, Now);

    public HttpRequestMessage Post(string path, string action, string json, SigningKey? key = null) =>
        TestSigner.PostJson(path, action, json, key ?? DemoKey, Now);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // appDefaults: run with the shipped appsettings (default seed, throttling on), changing only the log level.
        var effective = appDefaults ? new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" } : DefaultSettings();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            effective[key] = value;
        }

        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(effective));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            if (Clock is not null)
            {
                services.AddSingleton<TimeProvider>(Clock);
            }

            services.AddSingleton<IStartupFilter, RemoteAddressStartupFilter>();
        });
    }

    /// <summary>TestServer has no remote address; tests are loopback unless they ask otherwise.</summary>
    private sealed class RemoteAddressStartupFilter : IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use(nextMiddleware => context =>
            {
                context.Connection.RemoteIpAddress =
                    context.Request.Headers.TryGetValue(RemoteIpHeader, out var value) ? IPAddress.Parse(value.ToString()) : IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
