using EmrPortal.Web.Options;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using StackExchange.Redis;

namespace EmrPortal.Web.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<PortalCircuitOptions>().BindConfiguration(PortalCircuitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Microsoft.AspNetCore.Components.Server.CircuitOptions>().Configure<IOptions<PortalCircuitOptions>>((o, portal) =>
        {
            // A paused (hidden) tab's view lives on as persisted state, not as a circuit (docs/decisions.md#prerendering).
            o.PersistedCircuitInMemoryRetentionPeriod = portal.Value.PausedStateRetention;
            o.PersistedCircuitInMemoryMaxRetained = portal.Value.PausedStateMaxRetained;
        });
        services.AddRazorComponents()
            // Who the caller is and the list columns they chose travel with the prerendered page and a paused circuit.
            .RegisterPersistentService<PortalUserState>(Microsoft.AspNetCore.Components.Web.RenderMode.InteractiveServer)
            .RegisterPersistentService<ListViewState>(Microsoft.AspNetCore.Components.Web.RenderMode.InteractiveServer)
            .AddInteractiveServerComponents(o =>
            {
                // Deliberate limits: a dropped tablet connection may come back within 3 minutes; after that the
                // circuit's memory is released. No detailed errors reach the browser.
                o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(3);
                o.DisconnectedCircuitMaxRetained = 200;
                o.JSInteropDefaultCallTimeout = TimeSpan.FromSeconds(30);
                o.DetailedErrors = false;
            })
            .AddHubOptions(o =>
            {
                // The portal sends small events (clicks, text), but a prerendered page's persisted state comes back
                // through the hub when its circuit starts (docs/decisions.md#prerendering): 128 KiB bounds what a
                // client can push and fits a list page's snapshot (capped below it, SessionListState.MaxSnapshotBytes).
                o.MaximumReceiveMessageSize = 128 * 1024;
                o.ClientTimeoutInterval = TimeSpan.FromSeconds(60);
            });
        services.AddMudServices();

        builder.AddPortalForwardedHeaders();
        builder.AddRedisIfConfigured();
        builder.AddPortalAuthentication();
        builder.AddProxyClient();

        services.AddScoped<BrowserInterop>();
        services.AddScoped<ListViewState>();
        services.AddScoped<PortalUserState>();
        services.AddNotifications();
    }

    /// <summary>The bell's shared per-user count and the circuit's view of the user's notifications.</summary>
    internal static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton<UnreadCounts>();
        services.AddSingleton<CriticalStyles>();
        services.AddScoped<MyNotifications>();
        // The same typed proxy client (token, resilience pipeline), seen through its notification API.
        services.AddTransient<INotificationsClient>(sp => (ProxyClient)sp.GetRequiredService<IProxyClient>());
        return services;
    }

    private static void AddRedisIfConfigured(this IHostApplicationBuilder builder)
    {
        var redis = builder.Configuration.GetConnectionString("redis");
        builder.Services.AddDataProtection().SetApplicationName("EmrPortal.Web")
            .ProtectKeysWithConfiguredCertificate(builder.Configuration);
        if (string.IsNullOrWhiteSpace(redis))
        {
            // Token cache (Entra mode) falls back to an in-memory distributed cache: tokens do not survive a restart.
            builder.Services.AddDistributedMemoryCache();
            return;
        }

        // Aspire's client integration: one shared multiplexer, its health check in /health/ready, traces and metrics.
        builder.AddRedisClient("redis");

        // Shared keys: every Web instance can read every other instance's cookies and antiforgery tokens.
        builder.WarnWhenSharedKeysAreUnencrypted();
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceProvider>((o, sp) => o.XmlRepository = new RedisXmlRepository(
                () => sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase(), "EmrPortal:Web:DataProtection-Keys"));
        builder.Services.AddStackExchangeRedisCache(o => o.InstanceName = "EmrPortal:Web:");
        builder.Services.AddOptions<RedisCacheOptions>()
            .Configure<IServiceProvider>((o, sp) => o.ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()));
    }

    private static void AddProxyClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProxyOptions>()
            .BindConfiguration(ProxyOptions.Section)
            .PostConfigure<IConfiguration>((o, config) =>
            {
                // Under the AppHost the proxy's address arrives as services:proxy:{https,http}:0.
                o.BaseUrl ??= Uri.TryCreate(config["services:proxy:https:0"] ?? config["services:proxy:http:0"], UriKind.Absolute, out var u) ? u : null;
            })
            .ValidateDataAnnotations()
            .Validate(o => o.BaseUrl is null || o.BaseUrl.Scheme is "http" or "https", "Proxy:BaseUrl must be an absolute http(s) URL.")
            .ValidateOnStart();

        builder.Services.AddTransient<ProxyBearerTokenHandler>();
        builder.Services.AddScoped<PrerenderBudget>();
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way to replace the default pipeline.
        builder.Services.AddHttpClient<IProxyClient, ProxyClient>((sp, http) =>
            {
                var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProxyOptions>>().Value;
                http.BaseAddress = options.BaseUrl;
                http.Timeout = options.Timeout;
            })
            .AddHttpMessageHandler<ProxyBearerTokenHandler>()
            // The default pipeline's 10 s attempt timeout would cut off (and retry!) the first request for a cold
            // workspace, which waits for a scan of up to 100 upstream pages. Retry only safe methods: reveal is audited.
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(o =>
            {
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(60);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(85);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(120);
                o.Retry.DisableForUnsafeHttpMethods();
            });
#pragma warning restore EXTEXP0001
    }

    internal static void AddCircuitUser(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<CircuitUserAccessor>();
        services.AddScoped<ICircuitUserAccessor>(sp => sp.GetRequiredService<CircuitUserAccessor>());
        services.AddScoped<CircuitHandler, UserCircuitHandler>();
        services.AddScoped<AuthenticationStateProvider, ProxyRevalidatingAuthenticationStateProvider>();
        services.AddCascadingAuthenticationState();
    }
}
