using System.Net;
using System.Net.Sockets;
using System.Text;
using EmrPortal.Contracts;
using EmrPortal.Web.Components.SessionList;
using EmrPortal.Web.Components.Sessions;
using EmrPortal.Web.Options;
using EmrPortal.Web.Services;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static EmrPortal.Web.Tests.SecurityHeadersTests;

namespace EmrPortal.Web.Tests;

/// <summary>
/// A prerendered page spends at most <see cref="ProxyOptions.PrerenderBudget"/> on the proxy: a call the budget cuts off
/// is <see cref="ProxyFailureKind.Deferred"/>, the page is sent in its loading state (persisting nothing for it), and the
/// interactive render, which has no budget, loads with the normal timeout and retries and shows rows or the portal's
/// error view. The proxy is a real <see cref="ProxyClient"/> over a network-edge handler (or an unreachable address).
/// </summary>
public sealed class PrerenderBudgetTests(WebHostFixture factory) : IClassFixture<WebHostFixture>, IDisposable
{
    private const string Ws = "w-analytics";
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1.5);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _time = new(FakeProxyClient.T0);
    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        foreach (var d in _disposables) d.Dispose();
    }

    /// <summary>The proxy's side of the wire: answers each request with <see cref="Answer"/> once <see cref="Gate"/>
    /// opens (never, unless the test opens it).</summary>
    private sealed class Edge : HttpMessageHandler
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Func<HttpRequestMessage, HttpResponseMessage> Answer { get; set; } = _ => new(HttpStatusCode.ServiceUnavailable);
        public int Requests;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            await Gate.Task.WaitAsync(cancellationToken);
            return Answer(request);
        }
    }

    private sealed class Token : IProxyTokenSource
    {
        public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult("tok");
    }

    /// <summary>A client as one scope gets it: a prerender's scope starts its budget, a circuit's does not.</summary>
    private (ProxyClient Client, PrerenderBudget Budget) Client(Edge edge, bool prerendering)
    {
        var budget = new PrerenderBudget(Microsoft.Extensions.Options.Options.Create(new ProxyOptions { PrerenderBudget = Budget }), _time);
        _disposables.Add(budget);
        if (prerendering) budget.Start();
        var http = new HttpClient(edge, disposeHandler: false) { BaseAddress = new Uri("http://proxy.local/") };
        _disposables.Add(http);
        return (new ProxyClient(http, new Token(), budget, NullLogger<ProxyClient>.Instance), budget);
    }

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Answer(HttpRequestMessage request) => request.RequestUri!.AbsolutePath switch
    {
        "/api/v1/me" => Json("""{"userId":"viewer","name":"Vic Viewer","roles":["Portal.Viewer"],"workspaces":["w-analytics"],"isAdmin":false}"""),
        "/api/v1/pins" => Json("[]"),
        var p when p.EndsWith("/sessions", StringComparison.Ordinal) => Json(
            """{"items":[{"workspaceId":"w-analytics","sessionClusterId":"sc-001","name":"etl","state":"Running"}],"totalCount":1,"page":1,"pageSize":25,"asOf":"2026-11-25T12:00:00Z","stale":false}"""),
        _ => new HttpResponseMessage(HttpStatusCode.NotFound),
    };

    [Fact]
    public async Task A_prerender_call_the_budget_cuts_off_is_deferred_and_later_calls_are_deferred_at_once()
    {
        var edge = new Edge();
        var (client, _) = Client(edge, prerendering: true);

        var call = client.GetMeAsync(Ct);
        Assert.False(call.IsCompleted);
        _time.Advance(Budget);
        var result = await call.WaitAsync(Ct);

        Assert.Equal(ProxyFailureKind.Deferred, result.Failure!.Kind);
        // The budget is the page's, not each call's: what is asked after it is spent does not wait at all.
        var later = await client.GetSessionsAsync(Ws, new SessionQuery(), Ct).WaitAsync(Ct);
        Assert.Equal(ProxyFailureKind.Deferred, later.Failure!.Kind);
    }

    [Fact]
    public async Task An_interactive_call_has_no_budget_and_waits_for_the_proxy()
    {
        var edge = new Edge { Answer = Answer };
        var (client, _) = Client(edge, prerendering: false);

        var call = client.GetMeAsync(Ct);
        _time.Advance(Budget * 10);
        Assert.False(call.IsCompleted);
        edge.Gate.SetResult();

        Assert.Equal("viewer", (await call.WaitAsync(Ct)).Value!.UserId);
    }

    [Fact]
    public async Task A_prerendered_list_out_of_time_stays_loading_persists_nothing_and_the_interactive_render_loads_the_rows()
    {
        var edge = new Edge { Answer = Answer };
        var (prerenderClient, _) = Client(edge, prerendering: true);
        var prerendered = new SessionListState(prerenderClient, new PortalUserState(prerenderClient, new Viewer()), _time);
        _disposables.Add(prerendered);

        var prerender = prerendered.SetUrlAsync(Ws, new SessionQuery(), mineChoice: null);
        _time.Advance(Budget);
        await prerender.WaitAsync(Ct);

        Assert.True(prerendered.Loading);
        Assert.Null(prerendered.Failure);
        Assert.Null(prerendered.Page);
        Assert.Null(prerendered.ToSnapshot());

        // The circuit: no snapshot to restore, its own calls without a budget; the proxy answers.
        edge.Gate.SetResult();
        var (circuitClient, _) = Client(edge, prerendering: false);
        var interactive = new SessionListState(circuitClient, new PortalUserState(circuitClient, new Viewer()), _time);
        _disposables.Add(interactive);
        await interactive.SetUrlAsync(Ws, new SessionQuery(), mineChoice: null).WaitAsync(Ct);

        Assert.True(interactive.IsReady);
        Assert.Equal("sc-001", Assert.Single(interactive.Page!.Items).SessionClusterId);
    }

    [Fact]
    public async Task A_prerendered_detail_out_of_time_stays_loading_and_the_interactive_render_shows_the_portals_error_when_the_proxy_fails()
    {
        var edge = new Edge();
        var (prerenderClient, _) = Client(edge, prerendering: true);
        var prerendered = new SessionDetailState(prerenderClient, new PortalUserState(prerenderClient, new Viewer()), _time);
        _disposables.Add(prerendered);

        var prerender = prerendered.ShowAsync(Ws, "sc-001");
        _time.Advance(Budget);
        await prerender.WaitAsync(Ct);

        Assert.True(prerendered.Loading);
        Assert.Null(prerendered.Failure);
        Assert.Null(prerendered.ToSnapshot());

        // The proxy answers the circuit with 503: the page shows the portal's error view (a failure worth retrying).
        edge.Gate.SetResult();
        var (circuitClient, _) = Client(edge, prerendering: false);
        var interactive = new SessionDetailState(circuitClient, new PortalUserState(circuitClient, new Viewer()), _time);
        _disposables.Add(interactive);
        await interactive.ShowAsync(Ws, "sc-001").WaitAsync(Ct);

        Assert.False(interactive.Loading);
        Assert.Equal(ProxyFailureKind.Unavailable, interactive.Failure!.Kind);
    }

    [Fact]
    public async Task A_prerendered_list_with_the_proxy_unreachable_is_sent_loading_instead_of_after_the_retries()
    {
        // The fixture's proxy address refuses connections; the HTTP client's retries would take many seconds and then
        // show the error view. The prerender's budget (short here, so no retry could finish within it) sends the
        // loading view instead; the circuit does the retries.
        await using var app = factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Proxy:PrerenderBudget", "00:00:00.300");
            b.UseSetting("Authentication:Demo:PrivateKeyPem", NewDemoKey());
        });
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.test") });
        await SignInAsync(client, "viewer");

        var html = await client.GetStringAsync("/workspaces/w-analytics/sessions?sort=name", Ct);

        Assert.Contains("data-testid=\"session-list\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"loading-skeleton\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"error-view\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prerendered_detail_is_sent_loading_while_a_proxy_that_does_not_answer_still_holds_the_call()
    {
        // A proxy that accepts connections and never answers: without the budget the page would wait for the
        // attempt timeout (a minute). The page is sent while the proxy still holds the call.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var held = new System.Collections.Concurrent.ConcurrentBag<TcpClient>();
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    held.Add(await listener.AcceptTcpClientAsync(stop.Token));
                    asked.TrySetResult();
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, Ct);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var app = factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Proxy:BaseUrl", $"http://127.0.0.1:{port}/");
            b.UseSetting("Authentication:Demo:PrivateKeyPem", NewDemoKey());
        });
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.test") });
        await SignInAsync(client, "viewer");

        try
        {
            var html = await client.GetStringAsync("/workspaces/w-analytics/sessions/sc-001", Ct);

            Assert.Contains("data-testid=\"session-detail\"", html, StringComparison.Ordinal);
            Assert.Contains("data-testid=\"loading-skeleton\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("data-testid=\"error-view\"", html, StringComparison.Ordinal);
            // The page did ask the proxy (which has not answered and never will).
            await asked.Task.WaitAsync(Ct);
        }
        finally
        {
            stop.Cancel();
            await accepting;
            foreach (var c in held) c.Dispose();
        }
    }

    /// <summary>A demo signing key of its own for each host: the token library caches signing providers by key, so two
    /// hosts in one process must not share (and dispose) the same key.</summary>
    private static string NewDemoKey()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    private sealed class Viewer : ICircuitUserAccessor
    {
        public System.Security.Claims.ClaimsPrincipal User { get; } = new(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim("oid", "viewer"), new System.Security.Claims.Claim("name", "Vic Viewer")], "test", "name", "roles"));
    }
}
