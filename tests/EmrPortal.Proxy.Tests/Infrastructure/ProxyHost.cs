using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using EmrPortal.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EmrPortal.Proxy.Tests.Infrastructure;

/// <summary>
/// A proxy wired to an in-process emulator: the EMR client's primary handler is the emulator's TestServer, a demo
/// ES256 key pair is generated per host, tokens are minted like the Web app does, and logs and upstream calls are
/// captured for assertions.
/// </summary>
public class ProxyHost : IAsyncDisposable
{
    public const string AccessKeyId = "LTAI5tEmrPortalDemoKey";
    public const string AccessKeySecret = "EmrPortalDemoSecret-NotForProduction";
    public const string Issuer = "emrportal-demo";
    public const string Audience = "api://emrportal-proxy";

    private readonly ConcurrentBag<string> _tokens = [];
    private readonly ConcurrentBag<string> _bodies = [];

    public ProxyHost(
        IDictionary<string, string?>? proxySettings = null,
        IDictionary<string, string?>? emulatorSettings = null,
        TimeProvider? time = null,
        Func<HttpResponseMessage, Task>? rewriteUpstream = null,
        WebApplicationFactory<EmulatorApp>? sharedEmulator = null)
    {
        Time = time;
        SigningKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        OwnsEmulator = sharedEmulator is null;
        Emulator = sharedEmulator ?? new WebApplicationFactory<EmulatorApp>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            foreach (var (key, value) in emulatorSettings ?? new Dictionary<string, string?>())
            {
                b.UseSetting(key, value);
            }

            b.ConfigureTestServices(s =>
            {
                s.RemoveAll<ILoggerProvider>();
                // TestServer requests have no remote address; the admin API serves loopback callers only.
                s.AddTransient<IStartupFilter, LoopbackCallerStartupFilter>();
                if (time is not null)
                {
                    s.AddSingleton(time);
                }
            });
        });
        var emulatorServer = Emulator.Server;

        var settings = new Dictionary<string, string?>
        {
            ["Authentication:Mode"] = "Demo",
            ["Authentication:Demo:PublicKeyPem"] = SigningKey.ExportSubjectPublicKeyInfoPem(),
            ["Emr:Endpoint"] = "http://emr-emulator.test",
            ["Emr:RegionId"] = "cn-hangzhou",
            ["Emr:AccessKeyId"] = AccessKeyId,
            ["Emr:AccessKeySecret"] = AccessKeySecret,
            ["Access:Workspaces:w-analytics:0"] = "grp-analytics",
            ["Snapshots:BackgroundRefresh"] = "false",
            ["Logging:LogLevel:Default"] = "Debug",
            // A portal database per host (the default file under the content root would be shared by every test).
            ["ConnectionStrings:portaldb"] = $"Data Source={DatabaseFile}",
        };
        foreach (var (key, value) in proxySettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        Proxy = new WebApplicationFactory<ProxyApp>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }

            b.ConfigureTestServices(s =>
            {
                s.RemoveAll<ILoggerProvider>();
                s.AddSingleton<ILoggerProvider>(Logs);
                if (time is not null)
                {
                    s.AddSingleton(time);
                }

                s.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(h =>
                {
                    if (h.Name == EmrPortal.Proxy.Notifications.WebhookSender.ClientName)
                    {
                        // Webhooks go to real loopback receivers, through the proxy's own connect-time URL policy.
                        return;
                    }

                    h.PrimaryHandler = emulatorServer.CreateHandler();
                    h.AdditionalHandlers.Add(new RecordingHandler(Calls, rewriteUpstream));
                }));
            });
        });
    }

    /// <summary>This host's SQLite portal database (deleted on dispose).</summary>
    public string DatabaseFile { get; } = Path.Combine(Path.GetTempPath(), $"emrportal-test-{Guid.NewGuid():N}.db");

    public WebApplicationFactory<EmulatorApp> Emulator { get; }
    public WebApplicationFactory<ProxyApp> Proxy { get; }
    public ECDsa SigningKey { get; }
    public TimeProvider? Time { get; }
    public CapturingLoggerProvider Logs { get; } = new();
    public UpstreamCalls Calls { get; } = new();
    public bool OwnsEmulator { get; }

    /// <summary>Every token minted and every response body read through <see cref="GetAsync"/> (for the secret scan).</summary>
    public IReadOnlyCollection<string> IssuedTokens => _tokens;
    public IReadOnlyCollection<string> ResponseBodies => _bodies;

    public static readonly IReadOnlyDictionary<string, (string Name, string[] Roles, string[] Groups)> Users =
        new Dictionary<string, (string, string[], string[])>
        {
            ["admin"] = ("Ada Admin", ["Portal.Admin"], []),
            ["viewer"] = ("Vic Viewer", ["Portal.Viewer"], ["grp-analytics"]),
            ["outsider"] = ("Olive Outsider", ["Portal.Viewer"], []),
        };

    /// <summary>A demo access token as the Web app mints it; parameters break one property at a time.</summary>
    public string Token(
        string user,
        string audience = Audience,
        string issuer = Issuer,
        string scope = "access_as_user",
        TimeSpan? lifetime = null,
        TimeSpan? issuedAgo = null,
        ECDsa? key = null)
    {
        var (name, roles, groups) = Users[user];
        // Valid on both clocks the proxy reads: the token handler's (the system's) and the demo lifetime rule's (the
        // host's TimeProvider, a fake one in some tests). A fake clock that fell behind a slow run must not make the
        // token look issued in the future, so it is issued at the earlier of the two.
        var now = Time is { } clock && clock.GetUtcNow().UtcDateTime < DateTime.UtcNow ? clock.GetUtcNow().UtcDateTime : DateTime.UtcNow;
        var issuedAt = now - (issuedAgo ?? TimeSpan.Zero);
        var claims = new Dictionary<string, object>
        {
            ["oid"] = "user-" + user,
            ["sub"] = "user-" + user,
            ["name"] = name,
            ["roles"] = roles,
            ["groups"] = groups,
        };
        if (scope.Length > 0)
        {
            claims["scp"] = scope;
        }

        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + (lifetime ?? TimeSpan.FromMinutes(10)),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key ?? SigningKey), SecurityAlgorithms.EcdsaSha256),
        });
        _tokens.Add(token);
        return token;
    }

    public HttpClient Client(string? user)
    {
        var client = Proxy.CreateClient();
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user));
        }

        return client;
    }

    /// <summary>GET as <paramref name="user"/>, keeping the body for the secret scan.</summary>
    public async Task<(HttpResponseMessage Response, string Body)> GetAsync(string? user, string path)
    {
        using var client = Client(user);
        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        _bodies.Add(body);
        return (response, body);
    }

    public async Task<(HttpResponseMessage Response, string Body)> PostAsync(string? user, string path)
    {
        using var client = Client(user);
        var response = await client.PostAsync(path, null, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        _bodies.Add(body);
        return (response, body);
    }

    /// <summary>Calls the emulator's loopback-only admin API (stats, faults).</summary>
    public async Task<string> EmulatorAdminAsync(string method, string path, string? json = null)
    {
        using var client = Emulator.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"emulator {method} {path} → {(int)response.StatusCode}: {body}");
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        if (OwnsEmulator)
        {
            await Emulator.DisposeAsync();
        }

        SigningKey.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(DatabaseFile + suffix);
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>Upstream calls as the proxy sent them (innermost handler): by action, with their statuses.</summary>
public sealed class UpstreamCalls
{
    private readonly ConcurrentQueue<(string Action, int Status, string Body)> _calls = new();

    public void Add(string action, int status, string body) => _calls.Enqueue((action, status, body));

    public int Count(string action) => _calls.Count(c => c.Action == action);

    public int Count(string action, int status) => _calls.Count(c => c.Action == action && c.Status == status);

    public IEnumerable<(string Action, int Status, string Body)> All => _calls;

    public void Clear() => _calls.Clear();
}

internal sealed class RecordingHandler(UpstreamCalls calls, Func<HttpResponseMessage, Task>? rewrite) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var action = request.Headers.TryGetValues("x-acs-action", out var v) ? v.First() : "?";
        var response = await base.SendAsync(request, cancellationToken);
        if (cancellationToken.IsCancellationRequested)
        {
            // TestServer completes a cancelled request with whatever the app left (the emulator answers nothing to a
            // client that went away: an empty 200 whose body throws "The client aborted the request."). A socket
            // transport fails the send with a cancellation instead, which the client's attempt timeout recognises.
            response.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (rewrite is not null)
        {
            await rewrite(response);
        }

        var body = response.StatusCode == HttpStatusCode.OK ? "" : await response.Content.ReadAsStringAsync(cancellationToken);
        calls.Add(action, (int)response.StatusCode, body);
        return response;
    }
}

/// <summary>Keeps every log line (message, structured values, exception text) for assertions and the secret scan.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyCollection<LogLine> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    public sealed record LogLine(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, string?> Values, string? Exception)
    {
        public string AllText => Message + " " + string.Join(" ", Values.Select(kv => kv.Key + "=" + kv.Value)) + " " + Exception;
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value?.ToString())
                : new Dictionary<string, string?>();
            lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception), values, exception?.ToString()));
        }
    }
}

internal sealed class LoopbackCallerStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress ??= IPAddress.Loopback;
            return nextMiddleware(context);
        });
        next(app);
    };
}
