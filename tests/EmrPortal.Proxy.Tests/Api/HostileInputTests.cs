using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>A proxy for hostile-input tables: the per-user limit is raised so a long table is not cut short by 429s.</summary>
public sealed class HostileInputFixture() : ProxyHost(proxySettings: new Dictionary<string, string?>
{
    ["RateLimiting:Burst"] = "100000",
    ["RateLimiting:PermitsPerSecond"] = "100000",
}), IAsyncLifetime
{
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// More than a hundred malformed requests against the proxy, one table. Each row names the method, the raw path and
/// query (sent byte for byte, no client-side normalization beyond what HTTP itself does), who calls, and the status
/// the proxy must answer. Every answer is checked the same way: the expected status, never a 500; errors are
/// <c>application/problem+json</c> with <c>status</c> and <c>traceId</c> and no stack trace; and no part of the raw
/// input comes back unescaped (body or headers).
/// <para>Decisions recorded here: a repeated query parameter is 400 (never "first wins" or a comma-joined value);
/// unknown query parameters are ignored (forward compatibility for scripts) and never echoed; HTML, SQL or RTL text
/// in <c>q</c> is a valid search (200, matched literally), control characters in any text filter are 400.</para>
/// </summary>
public sealed class HostileInputTests(HostileInputFixture fixture) : ApiTestBase(fixture), IClassFixture<HostileInputFixture>
{
    private const string Ws = "/api/v1/workspaces/w-analytics";
    private const string Sessions = Ws + "/sessions";
    private const string Detail = Ws + "/sessions/sc-0000000000000000";
    private static readonly string Long65 = new('a', 65);
    private static readonly string Long64 = new('a', 64);

    /// <summary>name → (method, raw path and query, caller, expected status).</summary>
    internal static readonly IReadOnlyDictionary<string, (string Method, string Path, string Caller, int Status)> Cases = Build();

    private static Dictionary<string, (string, string, string, int)> Build()
    {
        var c = new Dictionary<string, (string, string, string, int)>(StringComparer.Ordinal);
        void Add(string name, string method, string path, string caller, int status) => c.Add(name, (method, path, caller, status));

        // Path traversal and encoded separators in workspace ids (viewer: mapped to w-analytics only).
        Add("ws-dotdot-encoded-slash", "GET", "/api/v1/workspaces/..%2Fw-finance/sessions", "viewer", 400);
        Add("ws-dotdot-encoded-slash-lower", "GET", "/api/v1/workspaces/..%2fw-finance/sessions", "viewer", 400);
        Add("ws-mapped-then-traverse", "GET", "/api/v1/workspaces/w-analytics%2F..%2Fw-finance/sessions", "viewer", 400);
        Add("ws-encoded-dots", "GET", "/api/v1/workspaces/%2e%2e%2fw-finance/sessions", "viewer", 400);
        Add("ws-encoded-dots-upper", "GET", "/api/v1/workspaces/%2E%2E%2Fw-finance/sessions", "viewer", 400);
        Add("ws-double-encoded", "GET", "/api/v1/workspaces/%252e%252e%252fw-finance/sessions", "viewer", 400);
        Add("ws-backslash", "GET", "/api/v1/workspaces/w-analytics%5C..%5Cw-finance/sessions", "viewer", 400);
        Add("ws-dot", "GET", "/api/v1/workspaces/w.analytics/sessions", "viewer", 400);
        // A whole segment of encoded dots is a dot-segment: it is resolved away before routing, and the rest matches nothing.
        Add("ws-single-dot-encoded", "GET", "/api/v1/workspaces/%2e/sessions", "viewer", 404);
        Add("ws-encoded-slash-only", "GET", "/api/v1/workspaces/%2F/sessions", "viewer", 400);
        Add("ws-semicolon-matrix", "GET", "/api/v1/workspaces/w-analytics;x=1/sessions", "viewer", 400);
        Add("ws-overlong-65", "GET", $"/api/v1/workspaces/{Long65}/sessions", "admin", 400);
        Add("ws-overlong-1000", "GET", $"/api/v1/workspaces/{new string('w', 1000)}/sessions", "admin", 400);
        Add("ws-64-unknown-admin", "GET", $"/api/v1/workspaces/{Long64}/sessions", "admin", 404);
        Add("ws-64-unknown-viewer", "GET", $"/api/v1/workspaces/{Long64}/sessions", "viewer", 403);
        Add("ws-umlaut", "GET", "/api/v1/workspaces/w-%C3%A4nalytics/sessions", "admin", 400);
        Add("ws-cyrillic-homoglyph", "GET", "/api/v1/workspaces/w-%D0%B0nalytics/sessions", "admin", 400);
        Add("ws-fullwidth", "GET", "/api/v1/workspaces/%EF%BD%97-analytics/sessions", "admin", 400);
        Add("ws-emoji", "GET", "/api/v1/workspaces/w-%F0%9F%94%A5/sessions", "admin", 400);
        Add("ws-rtl-override", "GET", "/api/v1/workspaces/w-analytics%E2%80%AE/sessions", "viewer", 400);
        Add("ws-zero-width-space", "GET", "/api/v1/workspaces/w-analytics%E2%80%8B/sessions", "viewer", 400);
        Add("ws-crlf", "GET", "/api/v1/workspaces/w-analytics%0D%0ASet-Cookie:%20x=1/sessions", "viewer", 400);
        Add("ws-tab", "GET", "/api/v1/workspaces/w-analytics%09/sessions", "viewer", 400);
        Add("ws-space", "GET", "/api/v1/workspaces/w%20analytics/sessions", "viewer", 400);
        Add("ws-script", "GET", "/api/v1/workspaces/%3Cscript%3Ealert(1)%3C%2Fscript%3E/sessions", "admin", 400);
        Add("ws-sql", "GET", "/api/v1/workspaces/w'%20OR%20'1'%3D'1/sessions", "admin", 400);
        Add("ws-percent-invalid", "GET", "/api/v1/workspaces/w-%ZZ/sessions", "admin", 400);
        Add("ws-overlong-utf8-slash", "GET", "/api/v1/workspaces/w%C0%AFx/sessions", "admin", 400);
        Add("ws-star", "GET", "/api/v1/workspaces/*/sessions", "admin", 400);
        Add("ws-traverse-csv", "GET", "/api/v1/workspaces/..%2Fw-finance/sessions.csv", "viewer", 400);
        Add("ws-traverse-scan", "GET", "/api/v1/workspaces/..%2Fw-finance/scan", "viewer", 400);
        Add("ws-unicode-scan", "GET", "/api/v1/workspaces/%E2%80%AEw/scan", "admin", 400);

        // Session ids.
        Add("sc-dotdot-encoded", "GET", Ws + "/sessions/..%2F..%2Fw-finance%2Fsessions%2Fsc-1", "viewer", 400);
        Add("sc-trailing-traverse", "GET", Ws + "/sessions/sc-1%2F..%2F..", "viewer", 400);
        Add("sc-encoded-dots", "GET", Ws + "/sessions/%2e%2e", "admin", 404);
        Add("sc-double-encoded", "GET", Ws + "/sessions/%252e%252e%252fsc-1", "admin", 400);
        Add("sc-backslash", "GET", Ws + "/sessions/sc%5C..%5Cx", "admin", 400);
        Add("sc-overlong-65", "GET", Ws + $"/sessions/{Long65}", "admin", 400);
        Add("sc-overlong-4096", "GET", Ws + $"/sessions/{new string('s', 4096)}", "admin", 400);
        Add("sc-64-unknown", "GET", Ws + $"/sessions/{Long64}", "admin", 404);
        Add("sc-unicode", "GET", Ws + "/sessions/sc-%C3%A9", "admin", 400);
        Add("sc-rtl", "GET", Ws + "/sessions/sc-1%E2%80%AEexe", "admin", 400);
        Add("sc-crlf", "GET", Ws + "/sessions/sc-1%0D%0AX-Injected:%201", "admin", 400);
        Add("sc-script", "GET", Ws + "/sessions/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "admin", 400);
        Add("sc-sql", "GET", Ws + "/sessions/1%3BDROP%20TABLE%20sessions", "admin", 400);
        Add("sc-dot", "GET", Ws + "/sessions/sc.1", "admin", 400);
        Add("sc-reveal-traverse", "POST", Ws + "/sessions/..%2F..%2Fw-finance/reveal", "admin", 400);
        Add("sc-reveal-unicode", "POST", Ws + "/sessions/%E2%80%AE/reveal", "admin", 400);
        Add("sc-reveal-overlong", "POST", Ws + $"/sessions/{Long65}/reveal", "admin", 400);
        Add("sc-unmapped-ws-viewer", "GET", "/api/v1/workspaces/w-finance/sessions/sc-0000000000000000", "viewer", 403);
        Add("sc-unknown", "GET", Detail, "viewer", 404);

        // Free text: valid searches are 200 (matched literally, never echoed); control characters and overlong are 400.
        Add("q-script", "GET", Sessions + "?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "viewer", 200);
        Add("q-img-onerror", "GET", Sessions + "?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "viewer", 200);
        Add("q-sql-or", "GET", Sessions + "?q=%27%20OR%201%3D1%20--", "viewer", 200);
        Add("q-sql-union", "GET", Sessions + "?q=1%20UNION%20SELECT%20*%20FROM%20users", "viewer", 200);
        Add("q-rtl", "GET", Sessions + "?q=abc%E2%80%AEexe", "viewer", 200);
        Add("q-json-breakout", "GET", Sessions + "?q=%22%7D%2C%7B%22admin%22%3Atrue", "viewer", 200);
        Add("q-200-chars", "GET", Sessions + "?q=" + new string('x', 200), "viewer", 200);
        Add("q-201-chars", "GET", Sessions + "?q=" + new string('x', 201), "viewer", 400);
        Add("q-5000-chars", "GET", Sessions + "?q=" + new string('x', 5000), "viewer", 400);
        Add("q-crlf", "GET", Sessions + "?q=a%0D%0AX-Injected:%201", "viewer", 400);
        Add("q-nul", "GET", Sessions + "?q=a%00b", "viewer", 400);
        Add("q-bell", "GET", Sessions + "?q=%07", "viewer", 400);
        Add("q-del", "GET", Sessions + "?q=a%7Fb", "viewer", 400);
        Add("q-c1-control", "GET", Sessions + "?q=a%C2%85b", "viewer", 400);
        Add("q-script-all-sessions", "GET", "/api/v1/sessions?q=%3Cscript%3E", "viewer", 200);
        Add("q-crlf-all-sessions", "GET", "/api/v1/sessions?q=a%0D%0Ab", "viewer", 400);
        Add("q-crlf-csv", "GET", Sessions + ".csv?q=%3D1%0D%0A%2B1", "viewer", 400);
        Add("q-only-whitespace-is-no-filter", "GET", Sessions + "?q=%0D%0A%20", "viewer", 200);
        Add("ws-id-with-nul-in-query", "GET", Sessions + "?state=Running%00", "viewer", 400);
        Add("queue-control", "GET", Sessions + "?queue=dev%01", "viewer", 400);
        Add("queue-overlong", "GET", Sessions + "?queue=" + new string('q', 201), "viewer", 400);
        Add("owner-nul", "GET", Sessions + "?owner=%00", "viewer", 400);
        Add("owner-script", "GET", Sessions + "?owner=%3Cscript%3E", "viewer", 200);

        // Paging.
        Add("page-zero", "GET", Sessions + "?page=0", "viewer", 400);
        Add("page-negative", "GET", Sessions + "?page=-1", "viewer", 400);
        Add("page-huge", "GET", Sessions + "?page=1000001", "viewer", 400);
        Add("page-int-overflow", "GET", Sessions + "?page=2147483648", "viewer", 400);
        Add("page-20-digits", "GET", Sessions + "?page=99999999999999999999", "viewer", 400);
        Add("page-non-numeric", "GET", Sessions + "?page=abc", "viewer", 400);
        Add("page-decimal", "GET", Sessions + "?page=1.5", "viewer", 400);
        Add("page-exponent", "GET", Sessions + "?page=1e3", "viewer", 400);
        Add("page-hex", "GET", Sessions + "?page=0x10", "viewer", 400);
        Add("page-plus-sign", "GET", Sessions + "?page=%2B1", "viewer", 400);
        Add("page-leading-space", "GET", Sessions + "?page=%201", "viewer", 400);
        Add("page-thousands", "GET", Sessions + "?page=1%2C000", "viewer", 400);
        Add("page-arabic-digit", "GET", Sessions + "?page=%D9%A3", "viewer", 400);
        Add("page-sql", "GET", Sessions + "?page=1%20OR%201%3D1", "viewer", 400);
        Add("page-script", "GET", Sessions + "?page=%3Cscript%3E", "viewer", 400);
        Add("page-beyond-last", "GET", Sessions + "?page=1000000", "viewer", 200);
        Add("page-size-zero", "GET", Sessions + "?pageSize=0", "viewer", 400);
        Add("page-size-negative", "GET", Sessions + "?pageSize=-5", "viewer", 400);
        Add("page-size-201", "GET", Sessions + "?pageSize=201", "viewer", 400);
        Add("page-size-huge", "GET", Sessions + "?pageSize=1000000000", "viewer", 400);
        Add("page-size-nan", "GET", Sessions + "?pageSize=NaN", "viewer", 400);
        Add("page-size-infinity", "GET", Sessions + "?pageSize=Infinity", "viewer", 400);
        Add("page-size-non-numeric", "GET", Sessions + "?pageSize=ten", "viewer", 400);
        Add("page-all-sessions-negative", "GET", "/api/v1/sessions?page=-3", "viewer", 400);
        Add("page-size-all-sessions-huge", "GET", "/api/v1/sessions?pageSize=99999", "viewer", 400);
        Add("page-csv-zero", "GET", Sessions + ".csv?page=0", "viewer", 400);

        // Sort, direction, enumerations.
        Add("sort-unknown", "GET", Sessions + "?sort=password", "viewer", 400);
        Add("sort-script", "GET", Sessions + "?sort=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "viewer", 400);
        Add("sort-sql", "GET", Sessions + "?sort=name%3B%20DROP%20TABLE%20x", "viewer", 400);
        Add("sort-crlf", "GET", Sessions + "?sort=name%0D%0A", "viewer", 400);
        Add("sort-reflection-probe", "GET", Sessions + "?sort=__proto__", "viewer", 400);
        Add("dir-unknown", "GET", Sessions + "?dir=sideways", "viewer", 400);
        Add("dir-crlf", "GET", Sessions + "?dir=asc%0D%0A", "viewer", 400);
        Add("state-not-a-token", "GET", Sessions + "?state=Run%20ning", "viewer", 400);
        Add("state-sql", "GET", Sessions + "?state=Running'--", "viewer", 400);
        Add("state-rtl", "GET", Sessions + "?state=Running%E2%80%AE", "viewer", 400);
        Add("kind-unknown", "GET", Sessions + "?kind=PYTHON", "viewer", 400);
        Add("kind-script", "GET", Sessions + "?kind=%3Csvg%2Fonload%3Dalert(1)%3E", "viewer", 400);

        // Repeated parameters: 400, never "first wins".
        Add("repeat-page", "GET", Sessions + "?page=1&page=2", "viewer", 400);
        Add("repeat-page-size", "GET", Sessions + "?pageSize=10&pageSize=10", "viewer", 400);
        Add("repeat-sort", "GET", Sessions + "?sort=name&sort=state", "viewer", 400);
        Add("repeat-dir", "GET", Sessions + "?dir=asc&dir=desc", "viewer", 400);
        Add("repeat-state", "GET", Sessions + "?state=Running&state=Stopped", "viewer", 400);
        Add("repeat-q", "GET", Sessions + "?q=a&q=b", "viewer", 400);
        Add("repeat-q-case-insensitive", "GET", Sessions + "?q=a&Q=b", "viewer", 400);
        Add("repeat-queue", "GET", Sessions + "?queue=dev&queue=prod", "viewer", 400);
        Add("repeat-owner", "GET", Sessions + "?owner=a&owner=a", "viewer", 400);
        Add("repeat-q-all-sessions", "GET", "/api/v1/sessions?q=a&q=b", "viewer", 400);
        Add("repeat-q-csv", "GET", Sessions + ".csv?q=a&q=b", "viewer", 400);
        Add("repeat-hostile-name", "GET", Sessions + "?%3Cscript%3E=1&%3Cscript%3E=2", "viewer", 400);
        Add("repeat-on-me", "GET", "/api/v1/me?x=1&x=2", "viewer", 400);
        Add("repeat-anonymous-is-401-first", "GET", Sessions + "?q=a&q=b", "none", 401);

        // Unknown parameters are ignored, never echoed.
        Add("unknown-param", "GET", Sessions + "?foo=bar", "viewer", 200);
        Add("unknown-param-script-name", "GET", Sessions + "?%3Cscript%3E=1", "viewer", 200);
        Add("unknown-param-script-value", "GET", Sessions + "?page=1&utm=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "viewer", 200);

        // Wrong methods: 405 for callers who may use the route at all; anonymous callers learn nothing (401).
        Add("delete-workspaces", "DELETE", "/api/v1/workspaces", "admin", 405);
        Add("post-me", "POST", "/api/v1/me", "admin", 405);
        Add("put-sessions", "PUT", Sessions, "admin", 405);
        Add("patch-detail", "PATCH", Detail, "admin", 405);
        Add("delete-detail", "DELETE", Detail, "admin", 405);
        Add("get-reveal", "GET", Detail + "/reveal", "admin", 405);
        Add("put-reveal", "PUT", Detail + "/reveal", "admin", 405);
        Add("post-all-sessions", "POST", "/api/v1/sessions", "admin", 405);
        Add("post-csv", "POST", Sessions + ".csv", "admin", 405);
        Add("delete-scan", "DELETE", Ws + "/scan", "admin", 405);
        Add("options-sessions", "OPTIONS", Sessions, "admin", 405);
        Add("trace-me", "TRACE", "/api/v1/me", "admin", 405);
        Add("delete-anonymous", "DELETE", "/api/v1/workspaces", "none", 401);

        // Unknown API paths.
        Add("unknown-route", "GET", "/api/v1/nope", "admin", 404);
        Add("unknown-version", "GET", "/api/v2/me", "admin", 404);
        Add("extra-segments", "GET", Detail + "/x/y", "admin", 404);
        Add("unknown-route-anonymous", "GET", "/api/v1/nope", "none", 401);

        // Tokens.
        Add("token-missing", "GET", "/api/v1/me", "none", 401);
        Add("token-empty-bearer", "GET", "/api/v1/me", "raw:Bearer ", 401);
        Add("token-garbage", "GET", "/api/v1/me", "raw:Bearer not.a.jwt", 401);
        Add("token-script", "GET", "/api/v1/me", "raw:Bearer <script>alert(1)</script>", 401);
        Add("token-basic-scheme", "GET", "/api/v1/me", "raw:Basic YWRtaW46YWRtaW4=", 401);
        Add("token-two-bearers", "GET", "/api/v1/me", "two-bearers", 401);
        Add("token-in-query-only", "GET", "/api/v1/me?access_token={admin}", "none", 401);
        Add("token-expired", "GET", "/api/v1/me", "expired", 401);
        Add("token-not-yet-valid", "GET", "/api/v1/me", "not-yet-valid", 401);
        Add("token-forged-other-key", "GET", "/api/v1/me", "forged", 401);
        Add("token-wrong-audience", "GET", "/api/v1/me", "wrong-audience", 401);
        Add("token-wrong-issuer", "GET", "/api/v1/me", "wrong-issuer", 401);
        Add("token-alg-none", "GET", "/api/v1/me", "alg-none", 401);
        Add("token-alg-none-admin-claims", "GET", "/api/v1/workspaces/w-finance/sessions", "alg-none", 401);
        Add("token-hs256-public-key-confusion", "GET", "/api/v1/me", "hs256-confusion", 401);
        Add("token-tampered-roles", "GET", "/api/v1/workspaces/w-finance/sessions", "tampered-roles", 401);
        Add("token-stripped-signature", "GET", "/api/v1/me", "stripped-signature", 401);
        Add("token-long-lived", "GET", "/api/v1/me", "long-lived", 401);
        Add("token-no-expiry", "GET", "/api/v1/me", "no-expiry", 401);
        Add("token-no-scope", "GET", "/api/v1/me", "no-scope", 403);
        Add("token-unknown-role-workspace", "GET", "/api/v1/workspaces/w-finance/sessions", "unknown-role", 403);
        Add("token-unknown-role-mapped-name", "GET", Sessions, "unknown-role", 403);
        Add("token-unknown-role-reveal", "POST", "/api/v1/workspaces/w-finance/sessions/sc-0000000000000000/reveal", "unknown-role", 403);
        Add("token-unknown-role-csv", "GET", "/api/v1/workspaces/w-finance/sessions.csv", "unknown-role", 403);
        Add("token-admin-role-lowercase", "GET", "/api/v1/workspaces/w-finance/sessions", "admin-lowercase", 403);
        Add("token-admin-role-padded", "GET", "/api/v1/workspaces/w-finance/sessions", "admin-padded", 403);
        Add("token-viewer-reveal", "POST", Detail + "/reveal", "viewer", 403);
        return c;
    }

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Fact]
    public void The_table_holds_more_than_a_hundred_malformed_requests()
    {
        Assert.True(Cases.Count(c => c.Value.Status is >= 400 and < 500) >= 100, $"only {Cases.Count(c => c.Value.Status >= 400)} error rows");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Malformed_request_gets_the_right_status_and_a_clean_answer(string name)
    {
        var (method, rawPath, caller, status) = Cases[name];
        var path = rawPath.Replace("{admin}", Host.Token("admin"), StringComparison.Ordinal);
        using var client = Host.Proxy.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        Authorize(request, caller);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True((int)response.StatusCode == status, $"{method} {path} as {caller}: expected {status}, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 400)]}");
        if (status >= 400)
        {
            AssertProblem(response, body, (HttpStatusCode)status);
        }
        else
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }

        AssertNothingReflected(rawPath, response, body);
    }

    /// <summary>A ProblemDetails for a 405 tells which methods exist, so a client can correct itself.</summary>
    [Fact]
    public async Task Wrong_method_lists_the_allowed_ones()
    {
        using var client = Host.Client("admin");
        using var request = new HttpRequestMessage(HttpMethod.Delete, Detail);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    /// <summary>
    /// Nothing the caller sent comes back raw: no decoded hostile fragment in the body or any header, and JSON bodies
    /// carry markup, bidi and line-break characters only as escapes.
    /// </summary>
    private static void AssertNothingReflected(string rawPath, HttpResponseMessage response, string body)
    {
        foreach (var ch in new[] { '<', '>', '\u202E', '\u200B', '\r', '\n', '\0' })
        {
            Assert.False(body.Contains(ch, StringComparison.Ordinal), $"raw U+{(int)ch:X4} in the body: {body}");
        }

        var headers = response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value.Select(v => (h.Key, v))).ToList();
        foreach (var fragment in HostileFragments(rawPath))
        {
            Assert.DoesNotContain(fragment, body, StringComparison.Ordinal);
            foreach (var (header, value) in headers)
            {
                Assert.False(value.Contains(fragment, StringComparison.Ordinal), $"{header} reflects '{fragment}': {value}");
            }
        }

        Assert.DoesNotContain(headers, h => h.Key.Equals("X-Injected", StringComparison.OrdinalIgnoreCase));
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    /// <summary>The decoded path segments and query values that contain anything but id-like characters.</summary>
    private static IEnumerable<string> HostileFragments(string rawPath)
    {
        var question = rawPath.IndexOf('?', StringComparison.Ordinal);
        var parts = (question < 0 ? rawPath : rawPath[..question]).Split('/').ToList();
        if (question >= 0)
        {
            parts.AddRange(rawPath[(question + 1)..].Split('&').SelectMany(p => p.Split('=', 2)));
        }

        foreach (var part in parts)
        {
            var decoded = Uri.UnescapeDataString(part);
            if (decoded.Length >= 3 && decoded.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')))
            {
                yield return decoded;
            }
        }
    }

    private void Authorize(HttpRequestMessage request, string caller)
    {
        if (caller == "none")
        {
            return;
        }

        if (caller.StartsWith("raw:", StringComparison.Ordinal))
        {
            request.Headers.TryAddWithoutValidation("Authorization", caller["raw:".Length..]);
            return;
        }

        if (caller == "two-bearers")
        {
            request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + Host.Token("admin"), "Bearer " + Host.Token("viewer")]);
            return;
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HostileTokens.For(Host, caller));
    }
}

/// <summary>Tokens that break one property at a time, beyond what <see cref="ProxyHost.Token"/> can express.</summary>
internal static class HostileTokens
{
    public static string For(ProxyHost host, string kind)
    {
        switch (kind)
        {
            case "admin" or "viewer" or "outsider":
                return host.Token(kind);
            case "expired":
                return host.Token("admin", issuedAgo: TimeSpan.FromMinutes(11), lifetime: TimeSpan.FromMinutes(10));
            case "not-yet-valid":
                return host.Token("admin", issuedAgo: TimeSpan.FromMinutes(-5), lifetime: TimeSpan.FromMinutes(10));
            case "forged":
                using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    return host.Token("admin", key: other);
                }

            case "wrong-audience":
                return host.Token("admin", audience: "api://someone-else");
            case "wrong-issuer":
                return host.Token("admin", issuer: "https://login.evil.example/");
            case "long-lived":
                return host.Token("admin", lifetime: TimeSpan.FromHours(2));
            case "no-scope":
                return host.Token("admin", scope: "");
            case "alg-none":
                return Unsigned(new { alg = "none", typ = "JWT" }, AdminPayload());
            case "no-expiry":
                {
                    var payload = AdminPayload();
                    payload.Remove("exp");
                    return Sign(host.SigningKey, payload);
                }

            case "hs256-confusion":
                {
                    // The classic confusion: HMAC "signed" with the public key the proxy trusts.
                    var header = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
                    var body = B64(JsonSerializer.SerializeToUtf8Bytes(AdminPayload()));
                    var secret = Encoding.ASCII.GetBytes(host.SigningKey.ExportSubjectPublicKeyInfoPem());
                    return $"{header}.{body}.{B64(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes($"{header}.{body}")))}";
                }

            case "tampered-roles":
                {
                    // A real viewer token whose payload is swapped for an admin one, keeping the viewer's signature.
                    var parts = host.Token("viewer").Split('.');
                    return $"{parts[0]}.{B64(JsonSerializer.SerializeToUtf8Bytes(AdminPayload()))}.{parts[2]}";
                }

            case "stripped-signature":
                {
                    var parts = host.Token("admin").Split('.');
                    return $"{parts[0]}.{parts[1]}.";
                }

            case "unknown-role":
                return Custom(host, ["Portal.Superuser", "Owner"], []);
            case "admin-lowercase":
                return Custom(host, ["portal.admin"], []);
            case "admin-padded":
                return Custom(host, ["Portal.Admin "], []);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown token kind");
        }
    }

    /// <summary>A properly signed user token with the given roles and groups (e.g. a role the proxy does not know).</summary>
    public static string Custom(ProxyHost host, string[] roles, string[] groups, string userId = "user-mallory")
    {
        var payload = AdminPayload();
        payload["oid"] = payload["sub"] = userId;
        payload["name"] = "Mallory";
        payload["roles"] = roles;
        payload["groups"] = groups;
        return Sign(host.SigningKey, payload);
    }

    private static Dictionary<string, object> AdminPayload()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new Dictionary<string, object>
        {
            ["iss"] = ProxyHost.Issuer,
            ["aud"] = ProxyHost.Audience,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
            ["oid"] = "user-admin",
            ["sub"] = "user-admin",
            ["name"] = "Ada Admin",
            ["scp"] = "access_as_user",
            ["roles"] = new[] { "Portal.Admin" },
            ["groups"] = Array.Empty<string>(),
        };
    }

    private static string Sign(ECDsa key, Dictionary<string, object> payload) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
            JsonSerializer.Serialize(payload),
            new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256));

    private static string Unsigned(object header, Dictionary<string, object> payload) =>
        $"{B64(JsonSerializer.SerializeToUtf8Bytes(header))}.{B64(JsonSerializer.SerializeToUtf8Bytes(payload))}.";

    private static string B64(byte[] bytes) => Base64UrlEncoder.Encode(bytes);
}
