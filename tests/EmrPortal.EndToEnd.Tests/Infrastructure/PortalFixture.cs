using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The portal under test, started once per test assembly from the PUBLISHED outputs: Emulator (small deterministic
/// seed, throttling on as by default) → Proxy (demo key to the emulator, demo public key) → Web (Production, demo
/// private key). Startup problems are kept and reported by every test that needs the portal, so one broken app does
/// not hide which one it was.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    /// <summary>Workspaces the E2E emulator seeds: enough rows for three pages of w-analytics at 25 per page.</summary>
    public static readonly IReadOnlyList<(string Id, string Name, int Sessions)> SeededWorkspaces =
    [
        ("w-analytics", "Analytics", 60),
        ("w-marketing", "Marketing", 30),
        ("w-finance", "Finance", 12),
    ];

    public const string DemoAccessKeyId = "LTAI5tEmrPortalDemoKey";
    public const string DemoAccessKeySecret = "EmrPortalDemoSecret-NotForProduction";

    private readonly List<Exception> _startupErrors = [];

    internal DemoIdentity Identity { get; } = new();

    internal RunningApp? Emulator { get; private set; }

    internal RunningApp? Proxy { get; private set; }

    internal RunningApp? Web { get; private set; }

    /// <summary>Receives the three apps' traces (OTLP/HTTP), as the Aspire dashboard would.</summary>
    internal OtlpCollector Telemetry { get; } = new();

    internal EmulatorAdminClient EmulatorAdmin => new(Require(Emulator).BaseAddress);

    internal ProxyApiClient ProxyApi => new(Require(Proxy).BaseAddress, Identity);

    public Uri WebAddress => Require(Web).BaseAddress;

    /// <summary>All processes' log files, for the secret scan.</summary>
    internal IEnumerable<ManagedProcess> Processes =>
        new[] { Emulator, Proxy, Web }.Where(a => a is not null).Select(a => a!.Process);

    public IReadOnlyList<Exception> StartupErrors => _startupErrors;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        try
        {
            await PublishedApps.RootAsync(ct);
        }
        catch (Exception ex)
        {
            _startupErrors.Add(ex);
            return;
        }

        // In dependency order: each app is configured with the address its upstream actually bound.
        Emulator = await StartAsync("Emulator", "emulator", WithTelemetry(EmulatorSettings(), "emulator"), ct);
        if (Emulator is null)
        {
            return;
        }

        Proxy = await StartAsync("Proxy", "proxy", WithTelemetry(ProxySettings(Emulator.BaseAddress, Identity.PublicKeyPem), "proxy"), ct);
        if (Proxy is null)
        {
            return;
        }

        Web = await StartAsync("Web", "web", WithTelemetry(WebSettings(Proxy.BaseAddress, Identity.PrivateKeyPem), "web"), ct);
        if (Web is not null)
        {
            await CheckBlazorScriptAsync(Web.BaseAddress, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in new[] { Web, Proxy, Emulator })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        Identity.Dispose();
        await Telemetry.DisposeAsync();
        PortalDatabases.DeleteAll();
    }

    /// <summary>Throws the startup errors (with each app's output) if the portal is not fully up.</summary>
    public void EnsureRunning()
    {
        if (_startupErrors.Count > 0)
        {
            throw new AggregateException("The published portal did not start; see inner exceptions and artifacts/logs/e2e-*.log.", _startupErrors);
        }
    }

    internal static Dictionary<string, string?> EmulatorSettings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Information",
            // A stopped session stays Stopping for 10 s (the default 4 s is shorter than a real cloud's): the timeline
            // test needs the proxy's post-stop rescan to see Stopping before it turns Stopped, and on a loaded 2-core
            // machine that rescan can take seconds.
            ["Emulator__StopSeconds"] = "10",
        };
        for (var i = 0; i < SeededWorkspaces.Count; i++)
        {
            settings[$"Emulator__Seed__Workspaces__{i}__Id"] = SeededWorkspaces[i].Id;
            settings[$"Emulator__Seed__Workspaces__{i}__Name"] = SeededWorkspaces[i].Name;
            settings[$"Emulator__Seed__Workspaces__{i}__Sessions"] = SeededWorkspaces[i].Sessions.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    internal static Dictionary<string, string?> ProxySettings(Uri emulator, string publicKeyPem, string? redis = null) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Emr__RegionId"] = "cn-hangzhou",
        ["Emr__Endpoint"] = $"{emulator.Host}:{emulator.Port}",
        ["Emr__Scheme"] = "http",
        ["Emr__AccessKeyId"] = DemoAccessKeyId,
        ["Emr__AccessKeySecret"] = DemoAccessKeySecret,
        // Short freshness so the fault-mode test sees a stale snapshot within seconds, not the default 15 s.
        ["Snapshots__FreshTtl"] = "00:00:02",
        ["Snapshots__FailureBackoff"] = "00:00:01",
        ["Authentication__Mode"] = "Demo",
        ["Authentication__Demo__PublicKeyPem"] = publicKeyPem,
        // Production settings otherwise, so demo sign-in must be allowed explicitly (it logs a warning at start).
        ["Authentication__Demo__AllowInProduction"] = "true",
        // The demo users' cloud identities ("my sessions"), as the AppHost configures them.
        ["Identity__CloudUsers__viewer__0"] = "emma.schmidt",
        ["Identity__CloudUsers__admin__0"] = "alice.chen",
        ["Access__Workspaces__w-analytics__0"] = "grp-analytics",
        ["ConnectionStrings__redis"] = redis,
        // A fresh portal database per proxy process: the default (<content root>/data/portal.db) would live in the
        // publish folder and carry transitions, views and pins from earlier runs into this one.
        ["ConnectionStrings__portaldb"] = PortalDatabases.NewSqlite(),
        // Start/Stop on, so the timeline scenario can change a session's state through the portal itself.
        ["Features__StartStop"] = "true",
        // Webhook receivers of the browser tests listen on loopback, which the SSRF policy refuses unless allow-listed.
        ["Notifications__AllowedHosts__0"] = "127.0.0.1",
    };

    internal static Dictionary<string, string?> WebSettings(Uri proxy, string privateKeyPem, string? redis = null) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Proxy__BaseUrl"] = proxy.ToString(),
        ["Authentication__Mode"] = "Demo",
        ["Authentication__Demo__PrivateKeyPem"] = privateKeyPem,
        ["Authentication__Demo__AllowInProduction"] = "true",
        ["ConnectionStrings__redis"] = redis,
    };

    private Dictionary<string, string?> WithTelemetry(Dictionary<string, string?> settings, string serviceName)
    {
        foreach (var (key, value) in Telemetry.ExporterSettings(serviceName))
        {
            settings[key] = value;
        }

        return settings;
    }

    private async Task<RunningApp?> StartAsync(string app, string name, Dictionary<string, string?> settings, CancellationToken ct)
    {
        try
        {
            return await RunningApp.StartAsync(app, name, WithoutNulls(settings), ct);
        }
        catch (Exception ex)
        {
            lock (_startupErrors)
            {
                _startupErrors.Add(ex);
            }

            return null;
        }
    }

    /// <summary>docs/decisions.md#the-top-level-wwwroot-is-a-static-web-assets-folder-not-a-symlink: a broken static-web-assets setup serves blazor.web.js as 200 with an empty body.</summary>
    private async Task CheckBlazorScriptAsync(Uri web, CancellationToken ct)
    {
        var (status, length) = await BlazorScriptAsync(web, ct);
        if (status != 200 || length == 0)
        {
            _startupErrors.Add(new InvalidOperationException(
                $"The published Web app serves /_framework/blazor.web.js as {status} with {length} bytes: the page can never become interactive."));
        }
    }

    internal static async Task<(int Status, long Length)> BlazorScriptAsync(Uri web, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = web, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync("/_framework/blazor.web.js", ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        return ((int)response.StatusCode, body.LongLength);
    }

    internal static IReadOnlyDictionary<string, string?> WithoutNulls(Dictionary<string, string?> settings) =>
        settings.Where(kv => kv.Value is not null).ToDictionary();

    private RunningApp Require(RunningApp? app)
    {
        EnsureRunning();
        return app ?? throw new InvalidOperationException("The portal is not running.");
    }
}

/// <summary>The emulator's loopback-only admin API: fault injection and call statistics.</summary>
internal sealed class EmulatorAdminClient(Uri emulator)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task<JsonObject> GetFaultsAsync(CancellationToken ct) =>
        (JsonNode.Parse(await Http.GetStringAsync(new Uri(emulator, "/admin/faults"), ct)) as JsonObject)
        ?? throw new InvalidOperationException("GET /admin/faults did not return an object");

    public async Task PutFaultsAsync(JsonObject faults, CancellationToken ct)
    {
        using var content = new StringContent(faults.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.PutAsync(new Uri(emulator, "/admin/faults"), content, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Applies <paramref name="change"/> to the current faults and returns a handle that restores them.</summary>
    public async Task<IAsyncDisposable> ChangeFaultsAsync(Action<JsonObject> change, CancellationToken ct)
    {
        var original = await GetFaultsAsync(ct);
        var changed = (JsonObject)original.DeepClone();
        change(changed);
        await PutFaultsAsync(changed, ct);
        return new Restore(this, original);
    }

    public async Task<JsonObject> GetStatsAsync(CancellationToken ct) =>
        (JsonNode.Parse(await Http.GetStringAsync(new Uri(emulator, "/admin/stats"), ct)) as JsonObject)
        ?? throw new InvalidOperationException("GET /admin/stats did not return an object");

    private sealed class Restore(EmulatorAdminClient client, JsonObject original) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await client.PutFaultsAsync(original, CancellationToken.None);
    }
}

/// <summary>Asks the Proxy directly (as a demo user) what a page should show: the oracle for the browser tests.</summary>
internal sealed class ProxyApiClient(Uri proxy, DemoIdentity identity)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public Task<(int Status, JsonNode? Body)> GetAsync(string userId, string pathAndQuery, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, userId, pathAndQuery, ct);

    public Task<(int Status, JsonNode? Body)> PostAsync(string userId, string pathAndQuery, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, userId, pathAndQuery, ct);

    public Task<(int Status, JsonNode? Body)> PutAsync(string userId, string pathAndQuery, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, userId, pathAndQuery, ct);

    public Task<(int Status, JsonNode? Body)> DeleteAsync(string userId, string pathAndQuery, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, userId, pathAndQuery, ct);

    public Task<(int Status, JsonNode? Body)> PostJsonAsync(string userId, string pathAndQuery, string json, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, userId, pathAndQuery, ct, json);

    public Task<(int Status, JsonNode? Body)> PutJsonAsync(string userId, string pathAndQuery, string json, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, userId, pathAndQuery, ct, json);

    private async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string userId, string pathAndQuery, CancellationToken ct, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(proxy, pathAndQuery));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", identity.MintToken(userId));
        using var response = await Http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
