using System.Net;
using EmrPortal.Contracts;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static EmrPortal.Web.Tests.SecurityHeadersTests;

namespace EmrPortal.Web.Tests;

/// <summary>
/// A hostile-input corpus against the whole Web host over HTTP (real pipeline, prerendered pages, real endpoints; the
/// proxy behind it is the in-memory one): overlong values, control characters, bidi overrides, markup, path traversal
/// and invalid UTF-8 escapes in query strings, route values, <c>returnUrl</c> and form fields. Every answer is the
/// portal's own page or a plain 4xx/redirect — never a 500 — never reflects the markup unescaped, and never redirects
/// off the site.
/// </summary>
public sealed class HostileInputCorpusTests(HostileInputCorpusTests.Host host) : IClassFixture<HostileInputCorpusTests.Host>
{
    /// <summary>One Web host for the whole corpus (with an admin already signed in on <see cref="SignedIn"/>).</summary>
    public sealed class Host : IAsyncLifetime
    {
        private readonly WebHostFixture _factory = new();

        public WebApplicationFactory<WebApp> App { get; private set; } = null!;

        public HttpClient SignedIn { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            var proxy = new FakeProxyClient
            {
                Me = new MeDto("admin", "Ada Admin", ["Portal.Admin"], ["w-analytics"], IsAdmin: true),
            };
            proxy.Workspaces.Add(new WorkspaceDto("w-analytics", "Analytics", "RUNNING", null, null, null, null, null, null));
            // The layout's bell (prerendered with the lists) asks the notification API, which is the same client in the app.
            App = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s
                .AddScoped<IProxyClient>(_ => proxy)
                .AddScoped<INotificationsClient>(_ => new FakeNotificationsClient())));
            SignedIn = Client(App);
            await SignInAsync(SignedIn, "admin");
        }

        public async ValueTask DisposeAsync()
        {
            SignedIn.Dispose();
            await App.DisposeAsync();
            await _factory.DisposeAsync();
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Each value as it goes into a URL: escaped text, or raw escapes where the bytes themselves are the attack.</summary>
    public static readonly (string Name, string Encoded)[] Corpus =
    [
        ("overlong", new string('a', 4000)),
        ("nul", "%00"),
        ("crlf header injection", "a%0D%0ASet-Cookie:%20evil=1"),
        ("c0 controls", Uri.EscapeDataString("\u0001\u0007\u001b[31m\u007f")),
        ("bidi override", Uri.EscapeDataString("\u202Egnp.exe\u202C\u2066x\u2069")),
        ("script tag", Uri.EscapeDataString("<script>alert(1)</script>")),
        ("attribute break-out", Uri.EscapeDataString("\"><img src=x onerror=alert(1)>")),
        ("javascript url", Uri.EscapeDataString("javascript:alert(1)")),
        ("path traversal", Uri.EscapeDataString("../../etc/passwd")),
        ("encoded traversal", "..%2F..%2Fw-finance"),
        ("double-encoded traversal", "%252e%252e%252f"),
        ("overlong utf-8 slash", "%C0%AF"),
        ("invalid utf-8 bytes", "%FF%FE%FD"),
        ("truncated utf-8", "%E2%82"),
        ("utf-8 surrogate", "%ED%A0%80"),
        ("format string", Uri.EscapeDataString("{0}%s%n{{x}}")),
        ("sql", Uri.EscapeDataString("' OR 1=1 --")),
        ("protocol-relative", Uri.EscapeDataString("//evil.example.test/x")),
        ("backslash host", Uri.EscapeDataString("/\\evil.example.test")),
        ("emoji and combining", Uri.EscapeDataString("e\u0301\U0001F4A5\uFEFF")),
    ];

    /// <summary>Where a value goes: {0} is replaced by the encoded value.</summary>
    public static readonly string[] SignedInTargets =
    [
        "/workspaces/{0}/sessions",
        "/workspaces/{0}",
        "/workspaces/w-analytics/sessions/{0}",
        "/workspaces/w-analytics/sessions?q={0}",
        "/workspaces/w-analytics/sessions?sort={0}&dir={0}",
        "/workspaces/w-analytics/sessions?page={0}&pageSize={0}",
        "/workspaces/w-analytics/sessions?state={0}&kind={0}&queue={0}&owner={0}&mine={0}&listed={0}",
        "/workspaces/w-analytics/sessions/s-1?from={0}",
        "/sessions?q={0}&page={0}",
        "/errors?workspace={0}",
        "/audit?page={0}&user={0}&action={0}&workspace={0}",
        "/diff?left={0}&right={0}",
        "/export/workspaces/{0}/sessions.csv",
        "/export/workspaces/w-analytics/sessions.csv?q={0}&sort={0}&page={0}",
        "/authentication/login?returnUrl={0}",
        "/signin?returnUrl={0}",
        "/{0}",
    ];

    public static TheoryData<string> Targets() => new(SignedInTargets);

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Hostile_values_in_urls_get_a_sane_answer_signed_in(string target)
    {
        foreach (var (name, _) in Corpus)
        {
            await AssertSaneAsync(host.SignedIn, HttpMethod.Get, Url(target, name), null, name);
        }
    }

    public static TheoryData<string> Values() => new(Corpus.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Hostile_values_in_urls_get_a_sane_answer_signed_out(string valueName)
    {
        using var client = Client();
        foreach (var target in new[] { "/signin?returnUrl={0}", "/authentication/login?returnUrl={0}", "/workspaces/{0}/sessions?q={0}", "/{0}" })
        {
            await AssertSaneAsync(client, HttpMethod.Get, Url(target, valueName), null, valueName);
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Hostile_form_fields_get_a_sane_answer(string valueName)
    {
        var value = Uri.UnescapeDataString(Corpus.Single(c => c.Name == valueName).Encoded);
        using (var client = Client())
        {
            var token = await AntiforgeryTokenAsync(client, "/signin");
            await AssertSaneAsync(client, HttpMethod.Post, "/signin/demo", Form(token, ("user", value), ("returnUrl", "/")), valueName);
            token = await AntiforgeryTokenAsync(client, "/signin");
            await AssertSaneAsync(client, HttpMethod.Post, "/signin/demo", Form(token, ("user", "viewer"), ("returnUrl", value)), valueName);
        }

        using (var client = Client())
        {
            await SignInAsync(client, "admin");
            var token = await AntiforgeryTokenAsync(client, "/signin");
            await AssertSaneAsync(client, HttpMethod.Post, "/authentication/logout", Form(token, ("returnUrl", value)), valueName);
        }

        // A hostile field name and a mangled token are 400s, not 500s.
        using (var client = Client())
        {
            var token = await AntiforgeryTokenAsync(client, "/signin");
            using var raw = new StringContent($"__RequestVerificationToken={Uri.EscapeDataString(token)}&{Corpus.Single(c => c.Name == valueName).Encoded}=1&user=viewer",
                System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
            await AssertSaneAsync(client, HttpMethod.Post, "/signin/demo", raw, valueName);
            using var mangled = new StringContent($"__RequestVerificationToken={Corpus.Single(c => c.Name == valueName).Encoded}&user=viewer",
                System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
            await AssertSaneAsync(client, HttpMethod.Post, "/signin/demo", mangled, valueName);
        }
    }

    private HttpClient Client() => Client(host.App);

    private static HttpClient Client(WebApplicationFactory<WebApp> app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.test") });

    /// <summary>
    /// The target with the value in place. A NUL in the path cannot even be sent through the in-memory test server (it
    /// refuses to build such a request; Kestrel answers such a request line with 400 before the app): in the path it
    /// becomes a C0 control instead, in the query it stays a NUL.
    /// </summary>
    private static string Url(string target, string valueName)
    {
        var value = Corpus.Single(c => c.Name == valueName).Encoded;
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? target : target[..query];
        var rest = query < 0 ? "" : target[query..];
        return path.Replace("{0}", value.Replace("%00", "%01", StringComparison.Ordinal), StringComparison.Ordinal)
            + rest.Replace("{0}", value, StringComparison.Ordinal);
    }

    private static async Task AssertSaneAsync(HttpClient client, HttpMethod method, string url, HttpContent? content, string valueName)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = content };
        using var response = await client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var what = $"{method} {Shorten(url)} ({valueName}) → {(int)response.StatusCode}";

        Assert.True((int)response.StatusCode < 500, what);
        Assert.Contains((int)response.StatusCode, new[] { 200, 302, 400, 401, 403, 404, 405, 415 });

        // Never reflected as markup or script; never a header split. A prerendered page may show the value as escaped
        // text (the search box shows what was searched): "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" is text, not
        // markup, so the needles are what only unescaped output contains (a tag, a script URL, an attribute break-out).
        foreach (var needle in new[] { "<script>alert", "<img src=x", "href=\"javascript:", "src=\"javascript:", "\" onerror=alert", "' onerror=alert" })
        {
            Assert.False(body.Contains(needle, StringComparison.OrdinalIgnoreCase), $"{what} reflects {needle}");
        }

        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("evil", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("evil=", StringComparison.Ordinal));

        // Redirects stay on the site.
        if (response.Headers.Location is { } location)
        {
            var target = location.IsAbsoluteUri ? location : new Uri(new Uri("https://portal.example.test"), location);
            Assert.True(target.Host == "portal.example.test", $"{what} redirects to {location}");
            Assert.DoesNotContain("\\", location.OriginalString, StringComparison.Ordinal);
        }

        // Pages are the portal's own (a 400 from the antiforgery or host checks has no body to show).
        if (response.Content.Headers.ContentType?.MediaType == "text/html" && body.Length > 0)
        {
            Assert.True(body.Contains("EMR Portal</title>", StringComparison.Ordinal), $"{what} is not a portal page");
        }
    }

    private static string Shorten(string url) => url.Length > 120 ? url[..120] + "…" : url;
}
