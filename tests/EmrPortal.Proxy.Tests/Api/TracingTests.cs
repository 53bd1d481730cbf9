using Microsoft.Extensions.Hosting;
using System.Diagnostics;
using EmrPortal.Emr.Diagnostics;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// The sources ServiceDefaults registers for the proxy are the ones its code starts spans on: one cold list request,
/// exported to memory through the app's own tracer provider, is one trace of the proxy endpoint's span → the
/// snapshot scan's span → the signed EMR calls' spans.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private const string Workspace = "w-analytics";
    private readonly ProxyHost _host = new();
    private readonly List<Activity> _spans = [];
    private WebApplicationFactory<ProxyApp>? _traced;

    public ValueTask InitializeAsync()
    {
        _traced = _host.Proxy.WithWebHostBuilder(b => b.UseSetting(ServiceDefaultsExtensions.TracesEnabledKey, "true").ConfigureTestServices(s =>
            s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans))));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_traced is not null) await _traced.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_cold_list_request_traces_endpoint_then_snapshot_scan_then_signed_upstream_calls()
    {
        var ct = TestContext.Current.CancellationToken;
        // Activity listeners are process-wide: tests running in parallel export their spans here too. The request
        // carries its own trace id, and only that trace is examined.
        var traceId = ActivityTraceId.CreateRandom();
        using (var client = _traced!.CreateClient())
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", _host.Token("admin"));
            client.DefaultRequestHeaders.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            using var response = await client.GetAsync($"/api/v1/workspaces/{Workspace}/sessions", ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        // Stop the app before reading: background work keeps exporting into the list otherwise.
        await _traced.DisposeAsync();
        _traced = null;
        var seen = string.Join("\n", _spans.Select(s => $"{s.Source.Name} {s.Kind} {s.DisplayName} {s.SpanId} parent {s.ParentSpanId}"));

        var endpoint = Assert.Single(_spans, s => s.Kind == ActivityKind.Server && s.TraceId == traceId
            && (s.GetTagItem("http.route") as string) == "/api/v1/workspaces/{workspaceId}/sessions");
        // The scan the request waited for is the endpoint's child (a background refresh may add another, in its own trace).
        var scans = _spans.Where(s => s.Source.Name == ProxyTelemetry.ActivitySourceName
            && s.DisplayName == ProxyTelemetry.ScanSpanName
            && (s.GetTagItem(ProxyTelemetry.WorkspaceTag) as string) == Workspace).ToList();
        var scan = scans.SingleOrDefault(s => s.TraceId == endpoint.TraceId && s.ParentSpanId == endpoint.SpanId);
        Assert.True(scan is not null, "no scan under the endpoint:\n" + seen);

        var upstream = _spans.Where(s => s.Source.Name == EmrTelemetry.ActivitySourceName && s.ParentSpanId == scan.SpanId).ToList();
        Assert.True(upstream.Count > 0, "no EMR span under the scan:\n" + seen);
        Assert.All(upstream, s =>
        {
            Assert.Equal(ActivityKind.Client, s.Kind);
            Assert.Equal("ListSessionClusters", s.GetTagItem("emr.action"));
            // The emulator verifies every ACS3 signature: a request id and no error status mean the signed call was accepted.
            Assert.NotEqual(ActivityStatusCode.Error, s.Status);
            Assert.False(string.IsNullOrEmpty(s.GetTagItem("emr.request_id") as string));
        });
    }
}
