using System.Net;
using System.Text.RegularExpressions;
using EmrPortal.EndToEnd.Tests.Infrastructure;

namespace EmrPortal.EndToEnd.Tests.Smoke;

/// <summary>The README's run command works: the AppHost brings up emulator, proxy and web, and stops them all again.</summary>
public sealed partial class AppHostSmokeTests
{
    [Fact]
    public async Task AppHost_run_command_serves_the_sign_in_page_and_stops_every_process_it_started()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var run = await AppHostRun.StartHealthyAsync(TimeSpan.FromMinutes(3), ct);

        using var http = new HttpClient { BaseAddress = run.Url("web"), Timeout = TimeSpan.FromSeconds(30) };
        using var signIn = await http.GetAsync("/signin", ct);
        var html = await signIn.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("data-testid=\"signin-admin\"", html, StringComparison.Ordinal);

        // Under the AppHost the web app runs in Development from its build output: the static-assets trap shows here.
        var (status, length) = await PortalFixture.BlazorScriptAsync(run.Url("web"), ct);
        Assert.Equal(200, status);
        Assert.True(length > 10_000, $"blazor.web.js has {length} bytes under the AppHost");

        Assert.NotNull(await AppHostRun.StatusAsync(run.Url("dashboard"), ct));
        Assert.Contains($"open http://localhost:{run.Ports["web"]}", await WaitForOutputAsync(run, "EmrPortal is ready", ct), StringComparison.Ordinal);

        var killed = await run.StopAsync(TimeSpan.FromSeconds(45));

        Assert.Empty(killed);
        foreach (var resource in new[] { "emulator", "proxy", "web", "dashboard" })
        {
            Assert.Null(await AppHostRun.StatusAsync(new Uri(run.Url(resource), "/health/live"), ct));
        }
    }

    [Fact]
    public async Task AppHost_redis_switch_wires_redis_into_both_apps_readiness_and_stops_it_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var run = await AppHostRun.StartHealthyAsync(TimeSpan.FromMinutes(3), ct,
            ports => [AppHostSwitchRedis, $"--Ports:Redis={ports["redis"]}"], "redis");

        // Aspire's Redis client integration puts a health check into each app's readiness JSON (names and statuses only).
        foreach (var app in new[] { "proxy", "web" })
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var ready = await http.GetAsync(new Uri(run.Url(app), "/health/ready"), ct);
            var body = await ready.Content.ReadAsStringAsync(ct);
            var checks = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("checks").EnumerateArray()
                .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
            var redis = Assert.Single(checks, c => c.Key.Contains("redis", StringComparison.OrdinalIgnoreCase));
            Assert.True(redis.Value == "Healthy", $"{app}: {body}");
        }

        var killed = await run.StopAsync(TimeSpan.FromSeconds(45));

        Assert.Empty(killed);
        using var probe = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, run.Ports["redis"], ct).AsTask());
    }

    private const string AppHostSwitchRedis = "--redis";

    [Fact]
    public async Task AppHost_entra_switch_signs_in_through_the_development_identity_provider_and_stops_every_process()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var run = await AppHostRun.StartHealthyAsync(TimeSpan.FromMinutes(4), ct,
            ports => ["--entra", $"--Ports:Identity={ports["identity"]}", $"--Ports:IdentityTunnel={ports["identitytunnel"]}"],
            "identity", "identitytunnel");
        var identity = new Uri($"http://localhost:{run.Ports["identity"]}");

        // The portal sends the browser to the provider's sign-in page (code + PKCE, form_post) ...
        using var browser = new CookieBrowser();
        using var challenge = await browser.SendAsync(HttpMethod.Get, new Uri(run.Url("web"), "/workspaces/w-analytics/sessions"), null, ct);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.Equal(identity.Authority, authorize.Authority);
        Assert.Contains("/oauth2/v2.0/authorize", authorize.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", authorize.Query, StringComparison.Ordinal);

        // ... the person picks a user; the provider posts the code back; the web app redeems it with MSAL, whose calls
        // go to "login.microsoftonline.com" through the provider's tunnel, and returns to the deep link.
        using var signInPage = await browser.SendAsync(HttpMethod.Get, authorize, null, ct);
        var signInHtml = await signInPage.Content.ReadAsStringAsync(ct);
        using var chosen = await browser.SendAsync(HttpMethod.Post, new Uri(authorize.GetLeftPart(UriPartial.Path)),
            new FormUrlEncodedContent(HiddenFields(signInHtml).Append(new("signin_user", "viewer"))), ct);
        var formPost = await chosen.Content.ReadAsStringAsync(ct);
        var callback = new Uri(WebUtility.HtmlDecode(FormAction().Match(formPost).Groups[1].Value));
        Assert.Equal(new Uri(run.Url("web"), "/signin-oidc"), callback);
        using var redeemed = await browser.SendAsync(HttpMethod.Post, callback, new FormUrlEncodedContent(HiddenFields(formPost)), ct);
        Assert.Equal(HttpStatusCode.Redirect, redeemed.StatusCode);
        Assert.Equal("/workspaces/w-analytics/sessions", redeemed.Headers.Location!.OriginalString);
        using var stats = await browser.SendAsync(HttpMethod.Get, new Uri(identity, "/admin/stats"), null, ct);
        Assert.Contains("\"viewer\":{\"signIns\":1,\"codeRedemptions\":1", await stats.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        using var page = await browser.SendAsync(HttpMethod.Get, new Uri(run.Url("web"), "/workspaces/w-analytics/sessions"), null, ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("through Entra ID", await WaitForOutputAsync(run, "EmrPortal is ready", ct), StringComparison.Ordinal);

        var killed = await run.StopAsync(TimeSpan.FromSeconds(45));

        Assert.Empty(killed);
        Assert.Null(await AppHostRun.StatusAsync(new Uri(identity, "/health/live"), ct));
    }

    /// <summary>
    /// Just enough of a browser for the sign-in round trip: cookies per origin, sent back whatever their Secure flag
    /// (browsers treat http://localhost as secure; HttpClient's cookie container does not), no automatic redirects.
    /// </summary>
    private sealed class CookieBrowser : IDisposable
    {
        private readonly Dictionary<string, Dictionary<string, string>> _cookies = new(StringComparer.OrdinalIgnoreCase);
        private readonly HttpClient _http = new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false, UseProxy = false })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };

        public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, HttpContent? content, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(method, url) { Content = content };
            if (_cookies.TryGetValue(url.Authority, out var jar) && jar.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
            }

            var response = await _http.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                jar = _cookies.TryGetValue(url.Authority, out var existing) ? existing : _cookies[url.Authority] = new(StringComparer.Ordinal);
                foreach (var header in setCookies)
                {
                    var pair = header.Split(';', 2)[0].Split('=', 2);
                    if (header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                    {
                        jar.Remove(pair[0]);
                    }
                    else
                    {
                        jar[pair[0]] = pair.Length > 1 ? pair[1] : "";
                    }
                }
            }

            return response;
        }

        public void Dispose() => _http.Dispose();
    }

    private static IEnumerable<KeyValuePair<string, string>> HiddenFields(string html) =>
        HiddenField().Matches(html).Select(m => new KeyValuePair<string, string>(
            WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [Fact]
    public async Task AppHost_postgres_switch_gives_the_proxy_a_local_PostgreSQL_database_that_survives_a_restart_and_stops_cleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = new AppHostPostgresCluster();
        IReadOnlyList<string> exported;

        // First run: initdb and the database; the proxy migrates it. A CSV export through the portal makes the proxy
        // scan w-analytics, record its sessions and audit the export: all of it must land in PostgreSQL.
        await using (var run = await AppHostRun.StartHealthyAsync(TimeSpan.FromMinutes(4), ct, ports => cluster.Arguments(ports["postgres"]), "postgres"))
        {
            var port = run.Ports["postgres"];
            var server = ServerProcesses(cluster);

            var cookies = await SignInAsync(run.Url("web"), "admin", ct);
            exported = await ExportedSessionIdsAsync(run.Url("web"), cookies, "w-analytics", ct);
            Assert.True(exported.Count > 100, $"the export listed {exported.Count} w-analytics sessions");
            Assert.Equal(exported, await WaitForRowsAsync(cluster, port, RecordedSessionsSql, exported.Count, ct));
            Assert.Equal([ExportAudited], await WaitForRowsAsync(cluster, port, ExportAuditSql, 1, ct));
            await AssertProxyConnectedAsync(cluster, port, ct);

            await StopAndAssertCleanAsync(run, cluster, server);
            Assert.DoesNotContain("Password=", await File.ReadAllTextAsync(run.Process.LogPath, ct), StringComparison.OrdinalIgnoreCase);
        }

        // Second run on another port: the same cluster (no initdb), a new password the proxy must get, the data kept.
        await using (var run = await AppHostRun.StartHealthyAsync(TimeSpan.FromMinutes(4), ct, ports => cluster.Arguments(ports["postgres"]), "postgres"))
        {
            var port = run.Ports["postgres"];
            var server = ServerProcesses(cluster);

            Assert.Equal(exported, await cluster.QueryAsync(port, RecordedSessionsSql, ct));
            Assert.Equal([ExportAudited], await cluster.QueryAsync(port, ExportAuditSql, ct));
            await AssertProxyConnectedAsync(cluster, port, ct);

            await StopAndAssertCleanAsync(run, cluster, server);
        }
    }

    [Fact]
    public async Task AppHost_forwards_a_configured_portaldb_connection_string_to_the_proxy_instead_of_starting_a_server()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "emrportal-e2e-byo-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            // Any connection string the proxy understands is forwarded as is; a SQLite file is one nothing else would create.
            // It wins over --postgres: no local cluster is prepared in the folder --postgres would use.
            var database = Path.Combine(folder, "byo-portal.db");
            var cluster = Path.Combine(folder, "pg");
            await using var run = await AppHostRun.StartHealthyAsync(
                TimeSpan.FromMinutes(4), ct, _ => [$"--ConnectionStrings:portaldb=Data Source={database}", "--postgres", $"--Postgres:Directory={cluster}"]);

            Assert.True(File.Exists(database), "the proxy did not create the configured database: the connection string was not forwarded");
            Assert.False(Directory.Exists(cluster), "a local PostgreSQL cluster was prepared although a connection string was configured");
            Assert.Empty(await run.StopAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private const string RecordedSessionsSql =
        "SELECT \"SessionClusterId\" FROM \"KnownSessions\" WHERE \"WorkspaceId\" = 'w-analytics' ORDER BY \"SessionClusterId\" COLLATE \"C\"";

    private const string ExportAuditSql =
        "SELECT \"Action\" || ' ' || \"WorkspaceId\" || ' ' || \"Outcome\" FROM \"AuditEntries\" WHERE \"Action\" = 'sessions.export'";

    private const string ExportAudited = "sessions.export w-analytics allowed";

    /// <summary>The postmaster and its children, while the portal is up.</summary>
    private static IReadOnlySet<int> ServerProcesses(AppHostPostgresCluster cluster) =>
        ProcessTree.WithDescendants(
            [cluster.PostmasterPid() ?? throw new InvalidOperationException("no postmaster.pid while the portal is up")],
            ProcessTree.Snapshot());

    /// <summary>The proxy's pooled connection: the portal role over loopback TCP (scram-sha-256 with this run's password).</summary>
    private static async Task AssertProxyConnectedAsync(AppHostPostgresCluster cluster, int port, CancellationToken ct)
    {
        var clients = await cluster.QueryAsync(port,
            "SELECT DISTINCT usename || '@' || host(client_addr) FROM pg_stat_activity WHERE datname = 'portaldb' AND client_addr IS NOT NULL", ct);
        Assert.Contains("portal@127.0.0.1", clients);
    }

    /// <summary>Nothing needed SIGKILL, no server process is left, and the server shut down cleanly (no stale pid file).</summary>
    private static async Task StopAndAssertCleanAsync(AppHostRun run, AppHostPostgresCluster cluster, IReadOnlySet<int> server)
    {
        var killed = await run.StopAsync(TimeSpan.FromSeconds(60));

        Assert.Empty(killed);
        Assert.DoesNotContain(server, ProcessTree.IsAlive);
        Assert.False(cluster.LeftPidFile, "postmaster.pid is still there: the server was killed, not shut down");
    }

    /// <summary>The proxy writes in the background: poll until the query returns at least <paramref name="expected"/> rows.</summary>
    private static async Task<IReadOnlyList<string>> WaitForRowsAsync(AppHostPostgresCluster cluster, int port, string sql, int expected, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        IReadOnlyList<string> rows;
        while ((rows = await cluster.QueryAsync(port, sql, ct)).Count < expected && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(500, ct);
        }

        return rows;
    }

    /// <summary>Session ids of the portal's CSV export (the web app streams the proxy's), sorted by ordinal.</summary>
    private static async Task<IReadOnlyList<string>> ExportedSessionIdsAsync(Uri web, string cookies, string workspace, CancellationToken ct)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromMinutes(2) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(web, $"/export/workspaces/{workspace}/sessions.csv"));
        request.Headers.TryAddWithoutValidation("Cookie", cookies);
        using var response = await http.SendAsync(request, ct);
        var csv = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"export answered {(int)response.StatusCode}: {csv}");

        return csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith(workspace + ",", StringComparison.Ordinal))
            .Select(line => line.Split(',')[1])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Signs in on the demo form over plain HTTP (cookies by hand: the auth cookie is Secure).</summary>
    private static async Task<string> SignInAsync(Uri web, string user, CancellationToken ct)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var signIn = await http.GetAsync(new Uri(web, "/signin"), ct);
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(await signIn.Content.ReadAsStringAsync(ct)).Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(token), "no antiforgery token on /signin");

        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(web, "/signin/demo"))
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("user", user), new("returnUrl", "/")]),
        };
        post.Headers.TryAddWithoutValidation("Cookie", CookieHeader(signIn));
        using var response = await http.SendAsync(post, ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return CookieHeader(response);
    }

    private static string CookieHeader(HttpResponseMessage response) =>
        string.Join("; ", (response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            .Select(v => v.Split(';', 2)[0]).Where(v => !v.EndsWith('=')));

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static async Task<string> WaitForOutputAsync(AppHostRun run, string text, CancellationToken ct)
    {
        for (var deadline = DateTimeOffset.UtcNow.AddSeconds(60); DateTimeOffset.UtcNow < deadline && !run.Process.Output.Contains(text, StringComparison.Ordinal);)
        {
            await Task.Delay(250, ct);
        }

        return run.Process.Output;
    }
}
