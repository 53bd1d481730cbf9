using Microsoft.Extensions.Hosting;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using EmrPortal.Proxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace EmrPortal.Proxy.Tests.Api;

/// <summary>
/// The proxy's own OpenTelemetry pipeline (ServiceDefaults: ASP.NET Core and HttpClient instrumentation, the app's
/// sources, OTel logging) exported to memory: after a round of requests as every role, including upstream failures,
/// no span name, attribute, event, status or log record carries the cloud key (id or secret), the ACS signature, a
/// bearer token, or a session's connection token.
/// </summary>
public sealed partial class TelemetrySecretScanTests : IAsyncLifetime
{
    private readonly ProxyHost _host = new(
        proxySettings: new Dictionary<string, string?> { ["RateLimiting:Burst"] = "100000", ["RateLimiting:PermitsPerSecond"] = "100000" },
        emulatorSettings: new Dictionary<string, string?> { ["Emulator:Seed:Hostile"] = "true", ["Emulator:Faults:Throttling:Enabled"] = "false" });

    private readonly List<Activity> _spans = [];
    private readonly List<LogRecord> _logs = [];
    private WebApplicationFactory<ProxyApp>? _traced;

    public ValueTask InitializeAsync()
    {
        // The host's own logger capture stays; the OTel logger provider it removed comes back with an in-memory exporter.
        _traced = _host.Proxy.WithWebHostBuilder(b => b.UseSetting(ServiceDefaultsExtensions.TracesEnabledKey, "true").ConfigureTestServices(s =>
        {
            s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans));
            s.AddLogging(l => l.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = true;
                o.AddInMemoryExporter(_logs);
            }));
        }));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_traced is not null) await _traced.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task No_secret_appears_in_any_exported_span_or_log_record()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var user in new[] { "admin", "viewer", "outsider", null })
        {
            foreach (var path in new[]
            {
                "/api/v1/me", "/api/v1/workspaces", "/api/v1/sessions?pageSize=200", "/api/v1/workspaces/w-analytics/sessions?q=script",
                "/api/v1/workspaces/w-analytics/sessions.csv", "/api/v1/workspaces/w-analytics/scan", "/api/v1/workspaces/bad.id/sessions",
                "/api/v1/workspaces/w-analytics/sessions?q=a&q=b", "/health/ready",
            })
            {
                await SendAsync(HttpMethod.Get, user, path, ct);
            }
        }

        var ids = await AdminSessionIdsAsync(ct);
        foreach (var id in ids)
        {
            await SendAsync(HttpMethod.Get, "viewer", $"/api/v1/workspaces/w-analytics/sessions/{id}", ct);
            await SendAsync(HttpMethod.Post, "admin", $"/api/v1/workspaces/w-analytics/sessions/{id}/reveal", ct);
        }

        // Failure paths log exception types and upstream codes.
        await _host.EmulatorAdminAsync("PUT", "/admin/faults", """{"credentialsRevoked":true}""");
        await SendAsync(HttpMethod.Get, "admin", "/api/v1/workspaces/w-finance/sessions", ct);
        await SendAsync(HttpMethod.Get, "admin", $"/api/v1/workspaces/w-marketing/sessions/{ids[0]}", ct);
        await _host.EmulatorAdminAsync("PUT", "/admin/faults", """{"credentialsRevoked":false,"errorRate":1.0}""");
        await SendAsync(HttpMethod.Get, "admin", "/api/v1/workspaces/w-large/sessions", ct);
        await _host.EmulatorAdminAsync("PUT", "/admin/faults", """{"errorRate":0.0}""");

        // Stop the app before reading: background work (refresh, recorder, audit writer) keeps exporting, and the
        // exporters' lists must not be read while they are written ("Collection was modified").
        await _traced!.DisposeAsync();
        _traced = null;
        var texts = _spans.Select(SpanText).Concat(_logs.Select(LogText)).ToList();

        // The exporters really saw the traffic: server spans (the in-process emulator's too), the EMR client's spans
        // (TestServer's handler bypasses HttpClient's own instrumentation), and the app's logs.
        var seen = string.Join("\n", _spans.Take(30).Select(s => $"{s.Kind} {s.DisplayName} {string.Join(",", s.TagObjects.Select(t => t.Key))}"));
        Assert.True(_spans.Any(s => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") is not null), "no server span:\n" + seen);
        Assert.True(_spans.Any(s => s.Kind == ActivityKind.Client && s.GetTagItem("emr.action") is not null), "no upstream span:\n" + seen);
        Assert.True(_logs.Any(l => l.CategoryName?.StartsWith("EmrPortal", StringComparison.Ordinal) == true), "no app log: " + string.Join(", ", _logs.Select(l => l.CategoryName).Distinct()));
        Assert.True(texts.Count > 200, $"only {texts.Count} exported items");

        var tokens = _host.IssuedTokens.ToList();
        Assert.NotEmpty(tokens);
        foreach (var text in texts)
        {
            Assert.DoesNotContain(ProxyHost.AccessKeySecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ProxyHost.AccessKeyId, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Signature=", text, StringComparison.Ordinal);
            Assert.DoesNotContain("connectionToken", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(ConnectionToken(), text);
            Assert.DoesNotMatch(BearerHeader(), text);
            foreach (var token in tokens)
            {
                Assert.DoesNotContain(token.Split('.')[2], text, StringComparison.Ordinal);
                Assert.DoesNotContain(token.Split('.')[1], text, StringComparison.Ordinal);
            }
        }
    }

    private async Task SendAsync(HttpMethod method, string? user, string path, CancellationToken ct)
    {
        using var client = _traced!.CreateClient();
        using var request = new HttpRequestMessage(method, path);
        if (user is not null)
        {
            request.Headers.Authorization = new("Bearer", _host.Token(user));
        }

        using var response = await client.SendAsync(request, ct);
        await response.Content.ReadAsByteArrayAsync(ct);
    }

    private async Task<List<string>> AdminSessionIdsAsync(CancellationToken ct)
    {
        using var client = _traced!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", _host.Token("admin"));
        var json = await client.GetStringAsync("/api/v1/workspaces/w-analytics/sessions?pageSize=200&sort=name", ct);
        var ids = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("sessionClusterId").GetString()!).ToList();
        Assert.True(ids.Count >= 20);
        return ids.Take(40).ToList();
    }

    private static string SpanText(Activity span)
    {
        var text = new StringBuilder().Append(span.DisplayName).Append(' ').Append(span.OperationName).Append(' ').Append(span.StatusDescription);
        foreach (var (key, value) in span.TagObjects) text.Append(' ').Append(key).Append('=').Append(value);
        foreach (var e in span.Events)
        {
            text.Append(' ').Append(e.Name);
            foreach (var (key, value) in e.Tags) text.Append(' ').Append(key).Append('=').Append(value);
        }

        foreach (var (key, value) in span.Baggage) text.Append(' ').Append(key).Append('=').Append(value);
        return text.ToString();
    }

    private static string LogText(LogRecord record)
    {
        var text = new StringBuilder().Append(record.CategoryName).Append(' ').Append(record.FormattedMessage).Append(' ').Append(record.Body)
            .Append(' ').Append(record.Exception);
        foreach (var (key, value) in record.Attributes ?? []) text.Append(' ').Append(key).Append('=').Append(value);
        record.ForEachScope((scope, sb) =>
        {
            foreach (var (key, value) in scope) sb.Append(' ').Append(key).Append('=').Append(value);
        }, text);
        return text.ToString();
    }

    [GeneratedRegex("ct-[0-9a-f]{40}")]
    private static partial Regex ConnectionToken();

    [GeneratedRegex(@"Bearer\s+ey", RegexOptions.IgnoreCase)]
    private static partial Regex BearerHeader();
}
