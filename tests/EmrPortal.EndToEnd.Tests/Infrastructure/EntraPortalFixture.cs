using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace EmrPortal.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The portal in Entra mode, from the PUBLISHED outputs, with production code only: the development identity provider
/// answers for login.microsoftonline.com. How the Microsoft host names reach it, without touching the apps' code:
/// the provider runs a CONNECT tunnel for those hosts only; Web and Proxy get <c>HTTPS_PROXY</c> pointing at it (and
/// <c>NO_PROXY</c> for loopback) plus <c>SSL_CERT_FILE</c> with this run's CA, the browser gets the same proxy per
/// context. MSAL's instance discovery, the OpenID metadata, the token endpoint and the keys are then fetched from
/// "https://login.microsoftonline.com/…" exactly as in production (docs/decisions.md, "Testing Entra sign-in").
/// </summary>
public sealed class EntraPortalFixture : IAsyncLifetime
{
    public const string TenantId = "e2b309dc-5b61-4b00-a681-e15efb4c8fac";
    public const string OtherTenantId = "81d219cc-9407-4f85-a04f-d6031e18644d";
    public const string WebClientId = "a633a8d4-729d-42db-be74-cac12b32cc15";
    public const string ApiClientId = "d4e5d6ba-802a-46a4-8444-8978efb1536f";
    public const string ApiAppIdUri = "api://" + ApiClientId;
    public const string AnalyticsGroupId = "87fccb01-d6df-47c1-b0cc-053072ffecb6";

    /// <summary>
    /// MSAL treats an access token as expired 5 minutes before its <c>exp</c>. With 5 min 15 s, the token from the
    /// sign-in is served from the cache for 15 s; after that every call needs a refresh-token grant.
    /// </summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(315);

    public static readonly TimeSpan CachedTokenWindow = AccessTokenLifetime - TimeSpan.FromMinutes(5);

    private readonly List<Exception> _startupErrors = [];
    private readonly string _tlsDirectory = Directory.CreateTempSubdirectory("emrportal-entra-tls-").FullName;
    private readonly string _clientSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));

    public RedisServer Redis { get; } = new();

    /// <summary>The Web app's client secret for this run (the secret scan checks no log carries it).</summary>
    internal string ClientSecret => _clientSecret;

    /// <summary>Every process of the Entra-mode portal, for the secret scan.</summary>
    internal IEnumerable<ManagedProcess> Processes =>
        new[] { ProviderProcess, Emulator?.Process, Proxy?.Process, Web?.Process }.OfType<ManagedProcess>();

    internal ManagedProcess? ProviderProcess { get; private set; }

    /// <summary>The provider's plain-http address (admin API, health); the browser and the apps use the Microsoft names.</summary>
    public Uri? ProviderAdminAddress { get; private set; }

    /// <summary>The CONNECT tunnel (<c>http://127.0.0.1:port</c>) for the Microsoft sign-in hosts.</summary>
    public Uri? TunnelAddress { get; private set; }

    internal RunningApp? Emulator { get; private set; }

    internal RunningApp? Proxy { get; private set; }

    internal RunningApp? Web { get; private set; }

    public Uri WebAddress => Require(Web).BaseAddress;

    public Uri ProxyAddress => Require(Proxy).BaseAddress;

    internal DevIdentityProviderClient Provider => new(ProviderAdminAddress ?? throw new InvalidOperationException("The provider is not running."));

    /// <summary>The CA bundle the apps trust (system CAs + this run's CA).</summary>
    public string CaBundlePath => Path.Combine(_tlsDirectory, "ca-bundle.pem");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = timeout.Token;
        try
        {
            await PublishedApps.RootAsync(ct);
            await Redis.InitializeAsync();
            await StartProviderAsync(ct);
            Emulator = await RunningApp.StartAsync("Emulator", "entra-emulator", PortalFixture.WithoutNulls(PortalFixture.EmulatorSettings()), ct);
            Proxy = await RunningApp.StartAsync("Proxy", "entra-proxy", PortalFixture.WithoutNulls(ProxySettings(Emulator.BaseAddress)), ct);
            Web = await RunningApp.StartAsync("Web", "entra-web", PortalFixture.WithoutNulls(WebSettings(Proxy.BaseAddress)), ct);
        }
        catch (Exception ex)
        {
            _startupErrors.Add(ex);
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

        if (ProviderProcess is not null)
        {
            await ProviderProcess.DisposeAsync();
        }

        await Redis.DisposeAsync();
        try
        {
            Directory.Delete(_tlsDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public void EnsureRunning()
    {
        if (_startupErrors.Count > 0)
        {
            throw new AggregateException("The Entra-mode portal did not start; see inner exceptions and artifacts/logs/e2e-entra-*.log.", _startupErrors);
        }
    }

    /// <summary>What makes Web and Proxy reach "Entra" here: the tunnel as HTTPS proxy, loopback direct, this run's CA trusted.</summary>
    private Dictionary<string, string?> Routing() => new()
    {
        ["HTTPS_PROXY"] = TunnelAddress!.ToString().TrimEnd('/'),
        ["NO_PROXY"] = "127.0.0.1,localhost",
        ["SSL_CERT_FILE"] = CaBundlePath,
    };

    internal Dictionary<string, string?> ProxySettings(Uri emulator)
    {
        var settings = PortalFixture.ProxySettings(emulator, publicKeyPem: "");
        settings.Remove("Authentication__Demo__PublicKeyPem");
        settings.Remove("Authentication__Demo__AllowInProduction");
        settings["Authentication__Mode"] = "Entra";
        settings["AzureAd__Instance"] = "https://login.microsoftonline.com/";
        settings["AzureAd__TenantId"] = TenantId;
        settings["AzureAd__ClientId"] = ApiClientId;
        settings["Access__Workspaces__w-analytics__0"] = AnalyticsGroupId;
        settings["ConnectionStrings__redis"] = Redis.ConnectionString;
        foreach (var (key, value) in Routing())
        {
            settings[key] = value;
        }

        return settings;
    }

    internal Dictionary<string, string?> WebSettings(Uri proxy)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Proxy__BaseUrl"] = proxy.ToString(),
            ["Proxy__Scopes__0"] = $"{ApiAppIdUri}/access_as_user",
            ["Authentication__Mode"] = "Entra",
            ["AzureAd__Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd__TenantId"] = TenantId,
            ["AzureAd__ClientId"] = WebClientId,
            ["AzureAd__ClientSecret"] = _clientSecret,
            ["ConnectionStrings__redis"] = Redis.ConnectionString,
        };
        foreach (var (key, value) in Routing())
        {
            settings[key] = value;
        }

        return settings;
    }

    private async Task StartProviderAsync(CancellationToken ct)
    {
        var root = await PublishedApps.RootAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            var https = FreePort.Next();
            var http = FreePort.Next();
            var tunnel = FreePort.Next();
            var admin = new Uri($"http://127.0.0.1:{http}");
            var process = ManagedProcess.Start(
                "entra-idp",
                "dotnet",
                [PublishedApps.EntryAssembly(root, "DevIdentityProvider"), "--urls", $"https://127.0.0.1:{https};{admin.ToString().TrimEnd('/')}"],
                Path.Combine(root, "DevIdentityProvider"),
                new Dictionary<string, string?>
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    ["IdentityProvider__TlsDirectory"] = _tlsDirectory,
                    ["IdentityProvider__TunnelPort"] = tunnel.ToString(CultureInfo.InvariantCulture),
                    ["IdentityProvider__AccessTokenLifetime"] = AccessTokenLifetime.ToString("c", CultureInfo.InvariantCulture),
                    ["IdentityProvider__Clients__0__ClientSecret"] = _clientSecret,
                });
            var app = new RunningApp("entra-idp", process, admin);
            try
            {
                await app.WaitUntilLiveAsync(TimeSpan.FromSeconds(90), ct);
                ProviderProcess = process;
                ProviderAdminAddress = admin;
                TunnelAddress = new Uri($"http://127.0.0.1:{tunnel}");
                return;
            }
            catch (Exception) when (attempt < 3 && process.HasExited && process.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await process.DisposeAsync();
            }
            catch
            {
                await process.DisposeAsync();
                throw;
            }
        }
    }

    private RunningApp Require(RunningApp? app)
    {
        EnsureRunning();
        return app ?? throw new InvalidOperationException("The Entra-mode portal is not running.");
    }
}

/// <summary>The development identity provider's admin API: mint tokens of a chosen shape, revoke a user, read counters.</summary>
internal sealed class DevIdentityProviderClient(Uri admin)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task<string> MintAsync(object request, CancellationToken ct)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(admin, "/admin/tokens"), request, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        return body!["access_token"]!.GetValue<string>();
    }

    public async Task<int> RevokeAsync(string user, CancellationToken ct)
    {
        using var response = await Http.PostAsync(new Uri(admin, $"/admin/users/{user}/revoke"), null, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        return body!["revokedRefreshTokens"]!.GetValue<int>();
    }

    public async Task<JsonObject> StatsAsync(string user, CancellationToken ct)
    {
        var all = await Http.GetFromJsonAsync<JsonObject>(new Uri(admin, "/admin/stats"), ct);
        return (JsonObject)all![user]!;
    }

    public async Task<int> StatAsync(string user, string counter, CancellationToken ct) =>
        (await StatsAsync(user, ct))[counter]!.GetValue<int>();

    public static HttpStatusCode StatusOf(HttpResponseMessage response) => response.StatusCode;
}
