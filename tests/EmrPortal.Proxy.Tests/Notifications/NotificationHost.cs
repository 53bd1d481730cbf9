using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EmrPortal.Contracts;
using EmrPortal.Contracts.Notifications;
using EmrPortal.PortalData;
using EmrPortal.Proxy.Snapshots;
using EmrPortal.Proxy.Tests.Infrastructure;
using EmrPortal.Proxy.Tests.Insights;
using Microsoft.EntityFrameworkCore;

namespace EmrPortal.Proxy.Tests.Notifications;

/// <summary>Helpers for the notification tests: fast delivery settings, rules, destinations, failing a session.</summary>
internal static class NotificationHost
{
    public const string Workspace = "w-analytics";
    public const string Secret = "whsec-test-4f7a1c9e2b6d8a03";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Fast polling and retries; the receivers on 127.0.0.1 allow-listed (the SSRF policy refuses loopback otherwise).</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra) => InsightsHost.Settings(
        [
            ("Notifications:AllowedHosts:0", "127.0.0.1"),
            ("Notifications:PollInterval", "00:00:00.100"),
            ("Notifications:RetryBaseDelay", "00:00:00.050"),
            ("Notifications:MaxRetryDelay", "00:00:00.200"),
            ("Notifications:RequestTimeout", "00:00:03"),
            ("Notifications:LeaseDuration", "00:00:10"),
            ("Notifications:PortalBaseUrl", "https://portal.example.test"),
            .. extra,
        ]);

    public static async Task<(HttpResponseMessage Response, string Body)> Send(this ProxyHost host, HttpMethod method, string user, string path, object? json = null) =>
        await host.SendAsync(method, host.Token(user), path, json);

    public static async Task<NotificationRuleDto> CreateRuleAsync(this ProxyHost host, string user, object request)
    {
        var (response, body) = await host.Send(HttpMethod.Post, user, $"/api/v1/workspaces/{Workspace}/notification-rules", request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonSerializer.Deserialize(body, PortalJsonContext.Default.NotificationRuleDto)!;
    }

    public static async Task<WebhookDestinationDto> CreateDestinationAsync(this ProxyHost host, string name, string format, string url, string? secret = Secret)
    {
        var (response, body) = await host.Send(HttpMethod.Post, "admin", $"/api/v1/workspaces/{Workspace}/webhooks",
            new { name, format, url, secret });
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonSerializer.Deserialize(body, PortalJsonContext.Default.WebhookDestinationDto)!;
    }

    /// <summary>Loads (and records) the workspace, so the next recording has a previous one to diff against.</summary>
    public static async Task<Snapshot> LoadAsync(this ProxyHost host)
    {
        var (response, body) = await host.GetAsync("admin", $"/api/v1/workspaces/{Workspace}/sessions?pageSize=1");
        Assert.True(response.IsSuccessStatusCode, body);
        await host.RecordedAsync();
        return host.Service<SnapshotStore>().Peek(Workspace)!;
    }

    /// <summary>Sessions not in Error of the loaded snapshot (the emulator can fail them).</summary>
    public static IReadOnlyList<SessionSummaryDto> Healthy(this Snapshot snapshot) =>
        snapshot.Sessions.Where(s => s.State != SessionStates.Error).OrderBy(s => s.SessionClusterId, StringComparer.Ordinal).ToList();

    public static Task FailInEmulatorAsync(this ProxyHost host, string sessionClusterId, string code = "1000007") =>
        host.EmulatorAdminAsync("POST", $"/admin/sessions/{Workspace}/{sessionClusterId}/fail", JsonSerializer.Serialize(new { code, message = "Driver exited; password=hunter2-secret" }));

    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(50, Ct);
        }
    }

    public static async Task<UnreadCountDto> UnreadAsync(this ProxyHost host, string user)
    {
        var (response, body) = await host.GetAsync(user, "/api/v1/notifications/unread-count");
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonSerializer.Deserialize(body, PortalJsonContext.Default.UnreadCountDto)!;
    }

    public static async Task<List<PortalData.Entities.WebhookDelivery>> DeliveriesAsync(this ProxyHost host)
    {
        await using var db = host.Service<IPortalDbFactory>().CreateDbContext();
        return await db.WebhookDeliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync(Ct);
    }

    /// <summary>What a receiver of the generic format does: timestamp fresh, HMAC over "timestamp.body" equal in constant time.</summary>
    public static bool VerifyGeneric(WebhookReceiver.Received request, string secret)
    {
        if (!request.Headers.TryGetValue(WebhookHeaders.Timestamp, out var timestamp) || !request.Headers.TryGetValue(WebhookHeaders.Signature, out var signature)
            || !long.TryParse(timestamp, out var seconds) || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300
            || !signature.StartsWith("v1=", StringComparison.Ordinal))
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + request.Body));
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature[3..]);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>What DingTalk checks: timestamp (ms) recent, sign = Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).</summary>
    public static bool VerifyDingTalk(WebhookReceiver.Received request, string secret)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.Query);
        if (!query.TryGetValue("timestamp", out var timestamp) || !query.TryGetValue("sign", out var sign)
            || !long.TryParse(timestamp, out var ms) || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - ms) > 3_600_000)
        {
            return false;
        }

        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "\n" + secret)));
        return expected == sign.ToString();
    }

    public static JsonElement Json(this WebhookReceiver.Received request) => JsonDocument.Parse(request.Body).RootElement.Clone();

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, object body) => client.PostAsJsonAsync(path, body, Ct);
}
